import { decodeCursor, encodeCursor } from './keyset-cursor';

describe('keyset cursor', () => {
  it('round-trips, and refuses anything it did not issue', () => {
    const cursor = { at: '2026-11-27T14:30:00.123456Z', id: '0194f3a2-7c1e-7a00-8000-0000000000aa' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor('not-a-cursor')).toBeUndefined();
    expect(decodeCursor(Buffer.from('["yesterday","x"]').toString('base64url'))).toBeUndefined();
    expect(decodeCursor(Buffer.from('{"at":1}').toString('base64url'))).toBeUndefined();
  });

  it('refuses a time PostgreSQL would refuse (year 0, a day off the calendar), which would be a 500 there', () => {
    const id = '0194f3a2-7c1e-7a00-8000-0000000000aa';
    const made = (at: string) => Buffer.from(JSON.stringify([at, id])).toString('base64url');
    for (const at of ['0000-01-01T00:00:00Z', '2024-02-30T00:00:00Z', '2023-02-29T00:00:00Z', '2024-13-01T00:00:00Z']) {
      expect({ at, cursor: decodeCursor(made(at)) }).toEqual({ at, cursor: undefined });
    }
    expect(decodeCursor(made('0001-01-01T00:00:00Z'))).toEqual({ at: '0001-01-01T00:00:00Z', id });
    expect(decodeCursor(made('2024-02-29T23:59:59.999999Z'))).toEqual({ at: '2024-02-29T23:59:59.999999Z', id });
  });
});
