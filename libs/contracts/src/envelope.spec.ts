import { anIngestedEvent } from '../testing';
import { EventIngestedCodec, PoisonMessageError, streamDefinitions, streamNamesFor, subjectsFor } from './index';

const tenant = '0194f3a2-7c1e-7a00-8000-000000000001';

describe('message codecs', () => {
  it('round-trips a valid ingested event', () => {
    const event = anIngestedEvent(tenant);
    expect(EventIngestedCodec.decode(EventIngestedCodec.encode(event))).toEqual(event);
  });

  it('rejects bytes that are not JSON as poison', () => {
    expect(() => EventIngestedCodec.decode(Buffer.from('{nope'))).toThrow(PoisonMessageError);
  });

  it('names the offending field of a message of the wrong shape', () => {
    const bad = { ...anIngestedEvent(tenant), severity: 'loud' };
    expect(() => EventIngestedCodec.decode(Buffer.from(JSON.stringify(bad)))).toThrow(/severity/);
  });

  it('rejects fields the contract does not declare', () => {
    const bad = { ...anIngestedEvent(tenant), tenant_id: 'someone-else' };
    expect(() => EventIngestedCodec.decode(Buffer.from(JSON.stringify(bad)))).toThrow(PoisonMessageError);
  });

  it('rejects an unknown schema version', () => {
    const bad = { ...anIngestedEvent(tenant), schemaVersion: 2 };
    expect(() => EventIngestedCodec.decode(Buffer.from(JSON.stringify(bad)))).toThrow(/schemaVersion/);
  });
});

describe('subjects and streams', () => {
  it('puts each tenant on its own event subject under the namespace', () => {
    const subjects = subjectsFor('daalu');
    expect(subjects.event(tenant)).toBe(`daalu.events.${tenant}`);
    expect(subjects.config(tenant, 'ingest-key')).toBe(`daalu.config.${tenant}.ingest-key`);
    expect(subjects.tenantConfig(tenant)).toBe(`daalu.config.${tenant}.>`);
  });

  it('refuses a tenant id that would change the subject shape', () => {
    expect(() => subjectsFor('daalu').event('a.b')).toThrow();
    expect(() => subjectsFor('daalu').event('*')).toThrow();
    expect(() => subjectsFor('daalu').tenantConfig('>')).toThrow();
  });

  it('refuses an invalid namespace', () => {
    expect(() => subjectsFor('Daalu.x')).toThrow(/namespace/);
  });

  it('keeps configuration facts forever and ages events out after the retention period', () => {
    const [events, config] = streamDefinitions('daalu', { eventRetentionDays: 7 });
    expect(events.name).toBe(streamNamesFor('daalu').events);
    expect(events.maxAgeSeconds).toBe(7 * 86_400);
    expect(config.maxAgeSeconds).toBe(0);
  });
});
