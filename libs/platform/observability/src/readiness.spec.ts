import { Readiness } from './readiness';

describe('Readiness', () => {
  it('is ready when every check passes', async () => {
    const readiness = new Readiness();
    readiness.register('a', () => ({ ok: true }));
    expect((await readiness.evaluate()).ready).toBe(true);
  });

  it('reports the failing check and its reason', async () => {
    const readiness = new Readiness();
    readiness.register('nats', () => ({ ok: true }));
    readiness.register('postgres', async () => {
      throw new Error('connection refused');
    });
    const result = await readiness.evaluate();
    expect(result.ready).toBe(false);
    expect(result.checks.postgres).toEqual({ ok: false, detail: 'connection refused' });
  });

  it('fails a check that hangs', async () => {
    const readiness = new Readiness();
    readiness.register('slow', () => new Promise(() => undefined));
    expect((await readiness.evaluate(50)).checks.slow.detail).toMatch(/timed out/);
  });

  it('is not ready once shutting down', async () => {
    const readiness = new Readiness();
    readiness.markShuttingDown();
    expect((await readiness.evaluate()).ready).toBe(false);
  });
});
