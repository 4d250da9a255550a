import { createLogger, type Logger } from '@daalu/platform/observability';

/** Silent unless TEST_LOG_LEVEL is set (e.g. TEST_LOG_LEVEL=debug npm test). */
export function testLogger(service = 'test'): Logger {
  return createLogger(service, process.env.TEST_LOG_LEVEL || 'silent');
}
