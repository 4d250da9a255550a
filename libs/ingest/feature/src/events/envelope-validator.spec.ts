import { validateSync } from 'class-validator';
import { ProblemException } from '@daalu/platform/http';
import { envelopeErrors, storableWithin, surelyValid, validateEnvelope } from './envelope-validator';
import { IngestEventDto } from './ingest-event.dto';

/** The verdict of the authority for one envelope: class-validator, and the full text check. */
function authorityAccepts(input: Record<string, unknown>): boolean {
  const dto = Object.assign(new IngestEventDto(), input, { module: input.module ?? 'custom' });
  return validateSync(dto, { forbidUnknownValues: false }).length === 0 && envelopeErrors(input).length === 0;
}

/** The `errors` of the 400 validateEnvelope throws (fails the test when it accepts). */
function refusal(body: unknown): unknown {
  try {
    validateEnvelope(body);
  } catch (error) {
    if (error instanceof ProblemException) return error.problem.errors;
    throw error;
  }
  throw new Error(`accepted: ${JSON.stringify(body)}`);
}

const NUL = /must not contain a NUL character/;
const LONE = /lone surrogate/;

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
  'nul\u0000',
  '\udfff',
  'half \ud83d',
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
  { k: 'v\u0000' },
  { 'k\u0000': 1 },
  { list: ['ok', ['\udfff']] },
  { emoji: '🚀', deep: { 'ké🚀': ['🚀'] } },
];

function deep(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < levels; i++) value = { next: value };
  return value;
}

describe('the fast envelope check', () => {
  it('never accepts what the full check rejects (and accepts the common valid envelope)', () => {
    let random = 1;
    const pick = () => samples[(random = (random * 48271) % 2147483647) % samples.length];
    let fastAccepted = 0;
    for (let i = 0; i < 5000; i++) {
      const input: Record<string, unknown> = { type: pick(), module: pick(), source: pick(), summary: pick() };
      if (i % 3 === 0) input.severity = pick();
      if (i % 2 === 0) input.payload = i % 10 === 0 ? deep((i % 40) + 1) : pick();
      if (i % 7 === 0) input[i % 14 === 0 ? 'extra' : String(pick())] = pick();
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

describe('text PostgreSQL cannot store', () => {
  const valid = { type: 'deploy.failed', source: 'gh', summary: 'ok' };

  it('is refused anywhere in the envelope, each field named', () => {
    expect(refusal({ ...valid, payload: { k: 'v\u0000' } })).toEqual([
      { field: 'payload.k', message: expect.stringMatching(NUL) },
    ]);
    expect(refusal({ ...valid, payload: { 'k\u0000': 'v' } })).toEqual([
      { field: 'payload (a key)', message: expect.stringMatching(NUL) },
    ]);
    expect(refusal({ ...valid, payload: { a: { list: [1, 'x\udfff'] } } })).toEqual([
      { field: 'payload.a.list[1]', message: expect.stringMatching(LONE) },
    ]);
    expect(refusal({ ...valid, summary: 'bad \udfff' })).toEqual([
      { field: 'summary', message: expect.stringMatching(LONE) },
    ]);
    expect(refusal({ ...valid, summary: 'bad \u0000' })).toEqual([
      { field: 'summary', message: expect.stringMatching(NUL) },
    ]);
    expect(refusal({ ...valid, source: '\ud800x' })).toEqual([
      { field: 'source', message: expect.stringMatching(LONE) },
    ]);
    expect(refusal({ ...valid, type: 'deploy.\udfff' })).toEqual([
      { field: 'type', message: expect.stringMatching(LONE) },
    ]);
    expect(refusal({ ...valid, module: 'ci\u0000' })).toEqual([{ field: 'module', message: expect.any(String) }]);
    expect(refusal({ ...valid, 'extra\u0000': 1 })).toEqual([
      { field: '(a key)', message: expect.stringMatching(NUL) },
    ]);
    expect(refusal({ ...valid, extra: ['\u0000'] })).toEqual([
      { field: 'extra[0]', message: expect.stringMatching(NUL) },
    ]);
    expect(
      (refusal({ type: 'a.b\udfff', source: 's', summary: '\u0000', payload: { x: '\udfff' } }) as unknown[]).length,
    ).toBe(3);
  });

  it('accepts whole characters (surrogate pairs) anywhere', () => {
    const emoji = { type: 'deploy.🚀', source: 'gh🚀', summary: '🚀 shipped', payload: { '🚀': ['🚀', { a: '🚀' }] } };
    expect(surelyValid(emoji)).toBe(true);
    expect(validateEnvelope(emoji).event.payload).toEqual(emoji.payload);
  });

  it('checks depth and text in one pass, without recursion', () => {
    expect(storableWithin({ a: [{ b: 'x' }] }, 3)).toBe(true);
    expect(storableWithin({ a: [{ b: 'x' }] }, 2)).toBe(false);
    expect(storableWithin({ a: [{ b: 'x\u0000' }] }, 3)).toBe(false);
    let nested: unknown = 'v';
    for (let i = 0; i < 100_000; i++) nested = [nested];
    expect(storableWithin(nested, Infinity)).toBe(true);
    expect(storableWithin({ payload: nested }, 32)).toBe(false);
  });
});
