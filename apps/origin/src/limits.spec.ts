// The gateway's own limit, to check the origin's against (the origin itself may not depend on ingest).
import { INGEST_BODY_LIMIT } from '@daalu/ingest/feature';
import { isStreamRequest, ORIGIN_BODY_LIMIT } from './limits';

describe('the origin’s limits', () => {
  it('takes exactly the bodies the gateway takes (events and batches alike): 1 MiB', () => {
    expect(ORIGIN_BODY_LIMIT).toBe(INGEST_BODY_LIMIT);
    expect(ORIGIN_BODY_LIMIT).toBe(1_048_576);
  });

  it('knows an event stream by its method and path, whatever the query', () => {
    expect(isStreamRequest('GET', '/api/v1/events/stream')).toBe(true);
    expect(isStreamRequest('GET', '/api/v1/events/stream?type=deploy.*')).toBe(true);
    expect(isStreamRequest('HEAD', '/api/v1/events/stream')).toBe(true);
    expect(isStreamRequest('GET', '/api/v1/events/stream/')).toBe(true);
    expect(isStreamRequest('GET', '/api/v1/events')).toBe(false);
    expect(isStreamRequest('GET', '/api/v1/events/streams')).toBe(false);
    expect(isStreamRequest('POST', '/api/v1/events/stream')).toBe(false);
  });
});
