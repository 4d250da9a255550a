import { validateSync } from 'class-validator';
import { surelyValid, validateEnvelope } from './envelope-validator';
import { IngestEventDto } from './ingest-event.dto';

/** The class-validator verdict (the authority) for one envelope. */
function authorityAccepts(input: Record<string, unknown>): boolean {
  const dto = Object.assign(new IngestEventDto(), input, { module: input.module ?? 'custom' });
  return validateSync(dto, { forbidUnknownValues: false }).length === 0;
}

const samples: unknown[] = [
  undefined,
  null,
  '',
  'a',
  'deploy.failed',
  'x'.repeat(64),
  'x'.repeat(65),
  'x'.repeat(128),
  'x'.repeat(129),
  'x'.repeat(1024),
  'x'.repeat(1025),
  'tab\there',
  'line\nbreak',
  '😀'.repeat(100),
  0,
  42,
  true,
  [],
  {},
  { a: 1 },
  'info',
  'warning',
  'critical',
  'loud',
  [1],
  { nested: { deep: [1, 2, { x: null }] } },
];

function deep(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < levels; i++) value = { next: value };
  return value;
}

describe('the fast envelope check', () => {
  it('never accepts what class-validator rejects (and accepts the common valid envelope)', () => {
    let random = 1;
    const pick = () => samples[(random = (random * 48271) % 2147483647) % samples.length];
    let fastAccepted = 0;
    for (let i = 0; i < 5000; i++) {
      const input: Record<string, unknown> = { type: pick(), module: pick(), source: pick(), summary: pick() };
      if (i % 3 === 0) input.severity = pick();
      if (i % 2 === 0) input.payload = i % 10 === 0 ? deep((i % 40) + 1) : pick();
      for (const key of Object.keys(input)) if (input[key] === undefined) delete input[key];
      if (surelyValid(input)) {
        fastAccepted++;
        expect({ input, accepted: authorityAccepts(input) }).toEqual({ input, accepted: true });
      }
    }
    expect(fastAccepted).toBeGreaterThan(10);
    expect(
      surelyValid({ type: 'deploy.failed', module: 'ci', source: 'gh', summary: 's', severity: 'info', payload: {} }),
    ).toBe(true);
  });

  it('gives the same result through validateEnvelope whichever path decides', () => {
    const viaFallback = { type: 'a.b', source: 's', summary: 's', module: null, severity: null, payload: null };
    expect(surelyValid(viaFallback)).toBe(false);
    expect(validateEnvelope(viaFallback).event).toEqual({
      type: 'a.b',
      module: 'custom',
      source: 's',
      summary: 's',
      severity: 'info',
      payload: {},
    });
  });
});
