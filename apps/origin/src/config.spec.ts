import { ConfigError, loadConfig } from '@daalu/platform/config';
import { OriginConfig } from './config';

describe('OriginConfig', () => {
  it('has sensible caps and timeouts by default', () => {
    const config = loadConfig(OriginConfig, {});
    expect(config).toMatchObject({
      DAALU_ORIGIN_MAX_REQUESTS_PER_CLIENT: 64,
      DAALU_ORIGIN_MAX_STREAMS_PER_CLIENT: 16,
      DAALU_ORIGIN_MAX_REQUESTS: 1024,
      DAALU_ORIGIN_MAX_STREAMS: 1024,
      DAALU_ORIGIN_HEADERS_TIMEOUT_MS: 10_000,
      DAALU_ORIGIN_REQUEST_TIMEOUT_MS: 10_000,
      DAALU_ORIGIN_UPSTREAM_TIMEOUT_MS: 30_000,
      DAALU_ORIGIN_TRUST_PROXY: '',
    });
  });

  it('takes its caps and timeouts from the environment', () => {
    const config = loadConfig(OriginConfig, {
      DAALU_ORIGIN_MAX_STREAMS_PER_CLIENT: '4',
      DAALU_ORIGIN_REQUEST_TIMEOUT_MS: '30000',
      DAALU_ORIGIN_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1',
    });
    expect(config.DAALU_ORIGIN_MAX_STREAMS_PER_CLIENT).toBe(4);
    expect(config.DAALU_ORIGIN_REQUEST_TIMEOUT_MS).toBe(30_000);
  });

  it('refuses to start with settings that cannot work, naming each', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig(OriginConfig, {
        DAALU_ORIGIN_MAX_REQUESTS_PER_CLIENT: '0',
        DAALU_ORIGIN_MAX_STREAMS: '8',
        DAALU_ORIGIN_HEADERS_TIMEOUT_MS: '20000',
        DAALU_ORIGIN_IDLE_TIMEOUT_MS: '10000',
        DAALU_ORIGIN_TRUST_PROXY: 'ingress',
      });
    } catch (caught) {
      error = caught as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = error!.problems.join('\n');
    expect(problems).toMatch(/^DAALU_ORIGIN_MAX_REQUESTS_PER_CLIENT \("0"\): /m);
    // A client's cap above the total (16 streams per client, 8 in all).
    expect(problems).toMatch(
      /^DAALU_ORIGIN_MAX_STREAMS_PER_CLIENT \(unset\): must not exceed DAALU_ORIGIN_MAX_STREAMS \(8\)/m,
    );
    expect(problems).toMatch(
      /^DAALU_ORIGIN_HEADERS_TIMEOUT_MS \("20000"\): must not exceed DAALU_ORIGIN_REQUEST_TIMEOUT_MS/m,
    );
    // Shorter than two stream heartbeats: open streams would be cut.
    expect(problems).toMatch(/^DAALU_ORIGIN_IDLE_TIMEOUT_MS \("10000"\): /m);
    expect(problems).toMatch(/^DAALU_ORIGIN_TRUST_PROXY \("ingress"\): must be empty or IP addresses/m);
  });
});
