import { loadConfig } from '@daalu/platform/config';
import { IngestGatewayConfig } from './config';

const BASE = { NODE_ENV: 'production', DATABASE_URL: 'postgres://x@127.0.0.1/x', NATS_URL: 'nats://127.0.0.1:4222' };

describe('the gateway config: operator tokens', () => {
  it('takes one token or a comma-separated list (rotation without downtime)', () => {
    expect(
      loadConfig(IngestGatewayConfig, { ...BASE, DAALU_OPERATOR_TOKEN: 'a'.repeat(16) }).DAALU_OPERATOR_TOKEN,
    ).toBe('a'.repeat(16));
    const both = `${'a'.repeat(16)}, ${'b'.repeat(20)}`;
    expect(loadConfig(IngestGatewayConfig, { ...BASE, DAALU_OPERATOR_TOKEN: both }).DAALU_OPERATOR_TOKEN).toBe(both);
  });

  it('refuses a short token, an empty entry, and none in production, naming the setting', () => {
    for (const value of [
      'short',
      `${'a'.repeat(16)},`,
      `${'a'.repeat(16)},,${'b'.repeat(16)}`,
      `${'a'.repeat(16)},tiny`,
    ]) {
      expect(() => loadConfig(IngestGatewayConfig, { ...BASE, DAALU_OPERATOR_TOKEN: value })).toThrow(
        /DAALU_OPERATOR_TOKEN/,
      );
    }
    expect(() => loadConfig(IngestGatewayConfig, { ...BASE })).toThrow(/DAALU_OPERATOR_TOKEN/);
  });
});
