import { ConfigError, loadConfig } from './load-config';
import { PlatformConfig } from './platform-config';

describe('loadConfig', () => {
  it('uses the defaults when nothing is set', () => {
    const config = loadConfig(PlatformConfig, {});
    expect(config.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(config.DAALU_EVENT_RETENTION_DAYS).toBe(30);
  });

  it('converts numbers from the environment', () => {
    expect(loadConfig(PlatformConfig, { DAALU_EVENT_RETENTION_DAYS: '7' }).DAALU_EVENT_RETENTION_DAYS).toBe(7);
  });

  it('names every invalid variable and why', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig(PlatformConfig, { NATS_URL: 'http://x', DAALU_EVENT_RETENTION_DAYS: 'many', LOG_LEVEL: 'loud' });
    } catch (caught) {
      error = caught as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = error!.problems.join('\n');
    expect(problems).toMatch(/^NATS_URL \("http:\/\/x"\): must be one or more nats:\/\//m);
    expect(problems).toMatch(/^DAALU_EVENT_RETENTION_DAYS \("many"\)/m);
    expect(problems).toMatch(/^LOG_LEVEL \("loud"\)/m);
  });

  it('keeps one copy of each stream by default and takes 3 for a NATS cluster', () => {
    expect(loadConfig(PlatformConfig, {}).DAALU_STREAM_REPLICAS).toBe(1);
    expect(loadConfig(PlatformConfig, { DAALU_STREAM_REPLICAS: '3' }).DAALU_STREAM_REPLICAS).toBe(3);
  });

  it('rejects a replica count JetStream cannot have (1 to 5)', () => {
    expect(() => loadConfig(PlatformConfig, { DAALU_STREAM_REPLICAS: '0' })).toThrow(/DAALU_STREAM_REPLICAS/);
    expect(() => loadConfig(PlatformConfig, { DAALU_STREAM_REPLICAS: '7' })).toThrow(/DAALU_STREAM_REPLICAS/);
  });

  it('ignores variables the config does not declare', () => {
    expect(loadConfig(PlatformConfig, { HOME: '/root' })).not.toHaveProperty('HOME');
  });
});
