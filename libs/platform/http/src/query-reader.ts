import { parseTimestamp, textReason } from '@daalu/shared/text';
import { decodeCursor, type KeysetCursor } from './keyset-cursor';
import { invalidFields, type FieldError } from './validate-body';

/** A query string as Fastify parses it: a parameter given more than once is an array. */
export type RawQuery = Record<string, string | string[] | undefined>;

export interface QueryReaderOptions {
  /** Parameters that may be given more than once (read with `list`); any other repeated is an error. */
  repeatable?: readonly string[];
  /** Names known beyond the fixed list, e.g. a dynamic `payload.<path>`. */
  isKnown?: (name: string) => boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Reads a query string the one way every list endpoint does, as `validateBody` does a body: every
 * problem collected as `{field, message}` (one per parameter) and answered together by `done()`, a 400
 * `invalid-query` naming each. A parameter not in `known` is `unknown parameter`; one given more than
 * once (and not `repeatable`) is `must be given once`, and its readers then see it as absent.
 *
 * ```ts
 * const reader = new QueryReader(query, ['state', 'limit', 'cursor']);
 * const state = reader.one('state');
 * const limit = reader.limit(50, 500);
 * const cursor = reader.cursor();
 * reader.done();
 * ```
 */
export class QueryReader {
  private readonly errors: FieldError[] = [];
  private readonly failed = new Set<string>();

  constructor(
    private readonly query: RawQuery,
    known: readonly string[],
    options: QueryReaderOptions = {},
  ) {
    const repeatable = options.repeatable ?? [];
    for (const [name, value] of Object.entries(query)) {
      if (!known.includes(name) && !options.isKnown?.(name)) this.fail(name, 'unknown parameter');
      else if (Array.isArray(value) && !repeatable.includes(name)) this.fail(name, 'must be given once');
    }
  }

  /** The problems so far. */
  get problems(): readonly FieldError[] {
    return this.errors;
  }

  /** Records a problem with a parameter (the caller's own checks of a value). */
  fail(field: string, message: string): void {
    this.errors.push({ field, message });
    this.failed.add(field);
  }

  /** A parameter given once, or undefined when absent or already refused (given more than once). */
  one(name: string): string | undefined {
    if (this.failed.has(name)) return undefined;
    const value = this.query[name];
    return Array.isArray(value) ? undefined : value;
  }

  /**
   * A list parameter, comma-separated and/or repeated (`?status=a,b&status=c` → `['a', 'b', 'c']`), or
   * undefined when absent. Values are as sent (not trimmed; `?status=` gives `['']`).
   */
  list(name: string): string[] | undefined {
    if (this.failed.has(name)) return undefined;
    const value = this.query[name];
    if (value === undefined) return undefined;
    return (Array.isArray(value) ? value : [value]).flatMap((one) => one.split(','));
  }

  /**
   * Text of `min` to `max` UTF-16 units that can be stored (no NUL, no lone surrogate), or undefined when
   * absent or refused.
   */
  text(name: string, max: number, min = 1): string | undefined {
    const value = this.one(name);
    if (value === undefined) return undefined;
    if (value.length < min || value.length > max) {
      this.fail(name, min > 0 ? `must be ${min} to ${max} characters` : `must be at most ${max} characters`);
      return undefined;
    }
    const reason = textReason(value);
    if (reason) {
      this.fail(name, reason);
      return undefined;
    }
    return value;
  }

  /** `limit`: a whole number from 1 to `max`; `defaultValue` when absent or refused. */
  limit(defaultValue: number, max: number, name = 'limit'): number {
    const text = this.one(name);
    if (text === undefined) return defaultValue;
    const digits = String(max).length;
    const value = new RegExp(`^\\d{1,${digits}}$`).test(text) ? Number(text) : NaN;
    if (value >= 1 && value <= max) return value;
    this.fail(name, `must be a whole number from 1 to ${max}`);
    return defaultValue;
  }

  /** `cursor`: the `nextCursor` of the page before, as this API issued it; undefined when absent or refused. */
  cursor(name = 'cursor'): KeysetCursor | undefined {
    const text = this.one(name);
    if (text === undefined) return undefined;
    const cursor = decodeCursor(text);
    if (!cursor) this.fail(name, 'not a cursor this API issued (use nextCursor as given)');
    return cursor;
  }

  /**
   * `since` (inclusive) and `until` (exclusive): ISO 8601 dates or date-times PostgreSQL takes, `until`
   * after `since` when both are given. A refused bound is absent from the answer.
   */
  timeRange(): { since?: Date; until?: Date } {
    const range: { since?: Date; until?: Date } = {};
    for (const bound of ['since', 'until'] as const) {
      const text = this.one(bound);
      if (text === undefined) continue;
      const parsed = parseTimestamp(text);
      if (typeof parsed === 'string') this.fail(bound, parsed);
      else range[bound] = parsed;
    }
    if (range.since && range.until && range.since.getTime() >= range.until.getTime()) {
      this.fail('until', 'must be after since');
      delete range.until;
    }
    return range;
  }

  /** A UUID, any case, answered in lower case; `what` says what it is (`must be a rule id (UUID)`). */
  uuid(name: string, what = 'a UUID'): string | undefined {
    const text = this.one(name);
    if (text === undefined) return undefined;
    if (UUID.test(text)) return text.toLowerCase();
    this.fail(name, `must be ${what}`);
    return undefined;
  }

  /** Throws the 400 (`invalid-query`) naming every problem, when there is one. */
  done(): void {
    if (this.errors.length > 0) throw invalidFields('invalid-query', 'Invalid query', this.errors);
  }
}
