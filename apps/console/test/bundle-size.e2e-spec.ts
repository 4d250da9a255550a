import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const DIST = join(__dirname, '..', '..', '..', 'dist', 'apps', 'console');
/** The budget for what a first visit downloads and runs before anything shows. */
const INITIAL_JS_BUDGET = 250 * 1024;

/** The built console (npm test builds first): what the first page load costs. */
describe('console bundle', () => {
  it('keeps the initial JavaScript under 250 KB gzip (pages load on demand)', () => {
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    // The entry script and the modules it preloads: everything a first load fetches before rendering.
    const initial = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]);
    expect(initial.length).toBeGreaterThan(0);
    const gzipped = initial.reduce((sum, path) => sum + gzipSync(readFileSync(join(DIST, path))).length, 0);
    expect(gzipped).toBeLessThan(INITIAL_JS_BUDGET);
    // And the pages are separate chunks, not in the entry.
    const entry = readFileSync(join(DIST, initial[0]), 'utf8');
    expect(entry).toMatch(/import\(".\/timeline-page-[^"]+\.js"\)|timeline-page-/);
  });
});
