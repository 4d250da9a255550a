/**
 * Loaded with `node --require` into an app a test starts (never in production): Date.now() and
 * `new Date()` read a clock the test moves, by writing an offset in ms to DAALU_TEST_CLOCK_FILE. So a
 * test can show what happens at 07:05 on the day of a DST change without waiting for it.
 */
import { readFileSync } from 'node:fs';

const file = process.env.DAALU_TEST_CLOCK_FILE;
if (file) {
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  let offset = 0;
  const read = () => {
    try {
      offset = Number(readFileSync(file, 'utf8')) || 0;
    } catch {
      offset = 0;
    }
  };
  read();
  setInterval(read, 20).unref();
  class SettableDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(realNow() + offset);
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return realNow() + offset;
    }
  }
  globalThis.Date = SettableDate as DateConstructor;
}
