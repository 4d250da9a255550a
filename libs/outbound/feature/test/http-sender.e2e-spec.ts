import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AddressGuard } from '@daalu/outbound/domain';
import { HttpSender, RefusedUrlError } from '../src/delivery/http-sender';

/** A real receiver on loopback that records what reached it. */
async function receiver(handle: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
  const received: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      handle(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/hook`, port, received, close: () => new Promise((r) => server.close(r)) };
}

describe('HttpSender (real receivers on loopback)', () => {
  const devGuard = new AddressGuard(['127.0.0.0/8', '::1/128']);
  const options = { timeoutMs: 1000, maxResponseBytes: 64 };

  it('delivers to an allowed address: 2xx is delivered, with the response kept (capped)', async () => {
    const ok = await receiver((_req, res) => res.writeHead(202, { 'x-seen': 'yes' }).end('x'.repeat(200)));
    const sender = new HttpSender(devGuard, options);
    const outcome = await sender.send(ok.url, { 'X-Daalu-Signature': 'abc' }, '{"a":1}');
    expect(outcome).toMatchObject({ delivered: true, status: 202, error: null });
    expect(outcome.headers['x-seen']).toBe('yes');
    expect(outcome.body).toHaveLength(64);
    expect(ok.received[0]).toMatchObject({
      body: '{"a":1}',
      headers: { 'x-daalu-signature': 'abc', 'content-type': 'application/json' },
    });
    await sender.close();
    await ok.close();
  });

  it('refuses loopback without the allowlist, at creation and when connecting, by address or by name', async () => {
    const target = await receiver((_req, res) => res.writeHead(200).end());
    const sender = new HttpSender(new AddressGuard(), options);
    await expect(sender.checkUrl(target.url)).rejects.toThrow(RefusedUrlError);
    await expect(sender.checkUrl(`http://localhost:${target.port}/`)).rejects.toThrow(/loopback/);
    await expect(sender.checkUrl('http://169.254.169.254/latest/meta-data')).rejects.toThrow(/link-local/);
    await expect(sender.checkUrl('ftp://example.com/')).rejects.toThrow(/http/);
    // Connect-time checks (the name could have resolved elsewhere when the webhook was saved).
    const literal = await sender.send(target.url, {}, '{}');
    expect(literal).toMatchObject({
      delivered: false,
      status: null,
      error: expect.stringMatching(/refused: .*loopback/),
    });
    const byName = await sender.send(`http://localhost:${target.port}/hook`, {}, '{}');
    expect(byName).toMatchObject({ delivered: false, error: expect.stringMatching(/refused/) });
    expect(target.received).toHaveLength(0); // nothing reached it
    await sender.close();
    await target.close();
  });

  it('never follows a redirect (a receiver cannot bounce a delivery to 127.0.0.1)', async () => {
    const inside = await receiver((_req, res) => res.writeHead(200).end());
    const bouncer = await receiver((_req, res) => res.writeHead(302, { location: inside.url }).end());
    const sender = new HttpSender(devGuard, options);
    const outcome = await sender.send(bouncer.url, {}, '{}');
    expect(outcome).toMatchObject({ delivered: false, status: 302 });
    expect(inside.received).toHaveLength(0);
    await sender.close();
    await Promise.all([inside.close(), bouncer.close()]);
  });

  it('fails an attempt that gets no answer in time, and keeps Retry-After of one that refuses', async () => {
    const silent = await receiver(() => undefined); // never answers
    const busy = await receiver((_req, res) => res.writeHead(503, { 'retry-after': '7' }).end('busy'));
    const sender = new HttpSender(devGuard, options);
    const started = Date.now();
    const timedOut = await sender.send(silent.url, {}, '{}');
    expect(timedOut).toMatchObject({ delivered: false, status: null, error: expect.stringMatching(/timeout/) });
    expect(Date.now() - started).toBeLessThan(3000);
    const refused = await sender.send(busy.url, {}, '{}');
    expect(refused).toMatchObject({ delivered: false, status: 503, retryAfter: '7', body: 'busy' });
    await sender.close();
    await Promise.all([silent.close(), busy.close()]);
  });
});
