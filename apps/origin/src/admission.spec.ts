import { Admission, clientKey } from './admission';

describe('Admission', () => {
  const limits = { perClient: { request: 2, stream: 1 }, total: { request: 3, stream: 5 } };

  it('caps each client address, by kind, and lets it in again once one is done', () => {
    const admission = new Admission(limits);
    const first = admission.admit('10.0.0.1', 'request');
    const second = admission.admit('10.0.0.1', 'request');
    expect(admission.admit('10.0.0.1', 'request')).toEqual({ scope: 'client', kind: 'request', limit: 2 });
    // Streams are counted apart: the client's requests do not use up its streams.
    expect('release' in admission.admit('10.0.0.1', 'stream')).toBe(true);
    expect(admission.admit('10.0.0.1', 'stream')).toEqual({ scope: 'client', kind: 'stream', limit: 1 });
    if (!('release' in first) || !('release' in second)) throw new Error('admitted');
    first.release();
    first.release(); // twice is once
    expect(admission.inFlight('request', '10.0.0.1')).toBe(1);
    expect('release' in admission.admit('10.0.0.1', 'request')).toBe(true);
  });

  it('caps the origin as a whole, whoever asks', () => {
    const admission = new Admission(limits);
    for (const client of ['a', 'b', 'c']) expect('release' in admission.admit(client, 'request')).toBe(true);
    expect(admission.admit('d', 'request')).toEqual({ scope: 'total', kind: 'request', limit: 3 });
    expect(admission.inFlight('request')).toBe(3);
  });

  it('counts an IPv4 client by its address and an IPv6 one by its /64', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:2:bbbb::9')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
  });
});
