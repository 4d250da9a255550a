import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

/** Where each suite writes the figures of its last run (gitignored). */
export const RESULTS_DIR = join(__dirname, '..', 'results');

/** Writes `<name>.json` under tools/faults/results with the machine it ran on; returns the path. */
export function writeResults(name: string, figures: object): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.json`);
  const machine = { cpus: cpus().length, node: process.version };
  writeFileSync(path, `${JSON.stringify({ ranAt: new Date().toISOString(), machine, ...figures }, null, 2)}\n`);
  return path;
}

/** One line on stderr, outside jest's console decoration. */
export function report(line: string): void {
  process.stderr.write(`[faults] ${line}\n`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
