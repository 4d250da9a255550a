import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtScript } from './app-process';


/** A clock a test sets for the apps it starts with `env` (see settable-clock-preload). */
export interface SettableClock {
  /** What to add to an app's environment. */
  env: Record<string, string>;
  /** Moves the apps' clock to `at` (it runs on from there); resolves once they read it. */
  set(at: Date | string): Promise<void>;
}

export function settableClock(): SettableClock {
  const file = join(mkdtempSync(join(tmpdir(), 'daalu-clock-')), 'offset');
  writeFileSync(file, '0');
  const preload = builtScript('tools/test-clock/settable-clock-preload.js');
  return {
    env: {
      DAALU_TEST_CLOCK_FILE: file,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${preload}`.trim(),
    },
    async set(at) {
      writeFileSync(file, String(new Date(at).getTime() - Date.now()));
      await new Promise((resolve) => setTimeout(resolve, 100)); // the apps read the file every 20 ms
    },
  };
}
