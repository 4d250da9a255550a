/**
 * A position in a newest-first listing (the timeline, alerts): the time and id of the last item of a page. The next
 * page is everything strictly older than it, so entries arriving meanwhile (newer) never shift a page,
 * and no entry is seen twice or skipped. Opaque to clients (base64url JSON); it carries no tenant: the
 * query is always the caller's tenant, so a guessed cursor reveals nothing.
 */
export interface KeysetCursor {
  /** The entry's time as PostgreSQL printed it (microseconds, UTC), so no precision is lost. */
  at: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

export function encodeCursor(cursor: KeysetCursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id])).toString('base64url');
}

/** The cursor, or undefined when the text is not one this API issued. */
export function decodeCursor(text: string): KeysetCursor | undefined {
  if (text.length > 200 || !/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [at, id] = value as unknown[];
    if (typeof at !== 'string' || typeof id !== 'string' || !AT.test(at) || !UUID.test(id)) return undefined;
    if (!isStorableInstant(at)) return undefined;
    return { at, id };
  } catch {
    return undefined;
  }
}

/**
 * Whether PostgreSQL takes the text as a timestamptz: a day on the calendar (Date.parse would roll
 * 2026-02-30 over to March 1, PostgreSQL refuses it), a year from 1 (it has no year 0), a time Date reads.
 */
function isStorableInstant(at: string): boolean {
  const [year, month, day] = [at.slice(0, 4), at.slice(5, 7), at.slice(8, 10)].map(Number);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]) return false;
  return !Number.isNaN(Date.parse(at));
}
