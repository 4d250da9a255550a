import { decodeCursor, encodeCursor } from './keyset-cursor';

describe('keyset cursor', () => {
  it('round-trips, and refuses anything it did not issue', () => {
    const cursor = { at: '2026-11-27T14:30:00.123456Z', id: '0194f3a2-7c1e-7a00-8000-0000000000aa' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor('not-a-cursor')).toBeUndefined();
    expect(decodeCursor(Buffer.from('["yesterday","x"]').toString('base64url'))).toBeUndefined();
    expect(decodeCursor(Buffer.from('{"at":1}').toString('base64url'))).toBeUndefined();
  });
});
