import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { problem } from './problem';
import { HTTP_STATUS_SLUGS, PROBLEM_TYPE_BASE, PROBLEM_TYPES, problemType } from './problem-types';

const ROOT = join(__dirname, '..', '..', '..', '..');

/** Every TypeScript source of the apps, libs and tools (not tests, builds or dependencies). */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return ['node_modules', 'dist', 'test'].includes(entry.name) ? [] : sources(path);
    return /\.tsx?$/.test(entry.name) && !/\.(e2e-)?spec\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

interface Use {
  slug: string;
  /** The status it is answered with, when the code says it as a number. */
  status?: number;
  where: string;
}

/**
 * Every slug the code answers with, found where it is written: `problem(<status>, '<slug>', …)`; any
 * call or tuple whose arguments start `<4xx or 5xx>, '<slug>'` (the origin's `answer(reply, 502,
 * 'bad-gateway', …)`, `problemAnswer(400, 'body-incomplete', …)`, `[408, 'request-timeout', detail]`);
 * `invalidFields('<slug>', …)` (a 400); and the 503 helpers named `…unavailable…(['reply', ]'<slug>', …)`.
 */
function slugsInCode(): Use[] {
  const SLUG = `['"\`]([a-z][a-z0-9-]*)['"\`]`;
  const patterns: Array<{ pattern: RegExp; status: (match: RegExpExecArray) => number | undefined }> = [
    {
      pattern: new RegExp(`\\bproblem\\(\\s*([\\w.]+)\\s*,\\s*${SLUG}`, 'g'),
      status: (m) => (/^\d{3}$/.test(m[1]) ? Number(m[1]) : undefined),
    },
    { pattern: new RegExp(`[(\\[,]\\s*([45]\\d\\d)\\s*,\\s*${SLUG}`, 'g'), status: (m) => Number(m[1]) },
    {
      pattern: new RegExp(`\\b(invalidFields|\\w*[uU]navailable\\w*)\\(\\s*(?:reply\\s*,\\s*)?${SLUG}`, 'g'),
      status: (m) => (m[1] === 'invalidFields' ? 400 : 503),
    },
  ];
  const uses: Use[] = [];
  for (const file of ['apps', 'libs', 'tools'].flatMap((dir) => sources(join(ROOT, dir)))) {
    const text = readFileSync(file, 'utf8');
    const where = relative(ROOT, file);
    for (const { pattern, status } of patterns) {
      for (const match of text.matchAll(pattern)) {
        uses.push({ slug: match[2], status: status(match as RegExpExecArray), where });
      }
    }
  }
  return uses;
}

describe('the catalog of problem types (/problems/<slug>)', () => {
  const uses = slugsInCode();

  it('finds the slugs the code answers with (the scan works)', () => {
    const found = new Set(uses.map((use) => use.slug));
    expect(found.size).toBeGreaterThan(25);
    // one of each way of answering a problem
    for (const slug of ['invalid-ingest-key', 'invalid-id', 'body-incomplete', 'overloaded', 'request-timeout']) {
      expect({ slug, found: found.has(slug) }).toEqual({ slug, found: true });
    }
  });

  it('describes every slug the code answers with, with the status it comes with', () => {
    const missing = uses.filter((use) => !problemType(use.slug)).map((use) => `${use.slug} (${use.where})`);
    expect(missing).toEqual([]);
    const wrongStatus = uses
      .filter((use) => use.status !== undefined && !problemType(use.slug)!.statuses.includes(use.status))
      .map((use) => `${use.slug}: ${use.status} in ${use.where}`);
    expect(wrongStatus).toEqual([]);
  });

  it('has no slug the code no longer uses', () => {
    const used = new Set(uses.map((use) => use.slug));
    expect(PROBLEM_TYPES.map((type) => type.slug).filter((slug) => !used.has(slug))).toEqual([]);
  });

  it('says for each what it means and what to do, once per slug', () => {
    const slugs = PROBLEM_TYPES.map((type) => type.slug);
    expect(new Set(slugs).size).toBe(slugs.length);
    expect([...slugs].sort()).toEqual(slugs);
    for (const type of PROBLEM_TYPES) {
      expect(type.slug).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
      expect(type.title.length).toBeGreaterThan(0);
      expect(type.meaning.length).toBeGreaterThan(20);
      expect(type.action.length).toBeGreaterThan(10);
      expect(type.statuses.length).toBeGreaterThan(0);
      for (const status of type.statuses) expect(status >= 400 && status <= 599).toBe(true);
    }
  });

  it('covers the framework’s own errors as http-<status>, and nothing else', () => {
    expect(HTTP_STATUS_SLUGS).toEqual(expect.arrayContaining(['http-400', 'http-404', 'http-500', 'http-503']));
    for (const slug of HTTP_STATUS_SLUGS) expect(problemType(slug)?.statuses).toEqual([Number(slug.slice(5))]);
    expect(problemType('http-404')?.title).toBe('not found');
    expect(problemType('http-200')).toBeUndefined();
    expect(problemType('http-499')).toBeUndefined();
    expect(problemType('no-such-problem')).toBeUndefined();
  });

  it('is where a problem document’s type points: /problems/<slug>, resolved against the request URL', () => {
    expect(PROBLEM_TYPE_BASE).toBe('/problems/');
    const body = problem(400, 'invalid-body', 'Invalid body', 'name: must be a string');
    expect(body.type).toBe('/problems/invalid-body');
    expect(new URL(body.type, 'http://localhost:8080/api/v1/alert-rules').href).toBe(
      'http://localhost:8080/problems/invalid-body',
    );
  });
});
