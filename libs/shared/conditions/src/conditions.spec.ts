import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { PayloadConditionSpec } from '@daalu/contracts';
import {
  compilePayloadCondition,
  PayloadConditions,
  payloadConditionProblems,
  sameScalar,
  toNumber,
  valueAt,
} from './index';
import { PayloadConditionDto } from './dto';

const payload = { host: 'backup-1', pct: 93, disk: { mount: '/var' }, tags: ['a'], nothing: null, on: true };

const holds = (field: string, op: PayloadConditionSpec['op'], value?: unknown, on: unknown = payload) =>
  compilePayloadCondition({ field, op, ...(value !== undefined ? { value: value as never } : {}) }).holds(on);

describe('the payload-condition matcher (alert rules and webhook triggers)', () => {
  it('has every operator', () => {
    expect(holds('host', 'eq', 'backup-1')).toBe(true);
    expect(holds('pct', 'eq', '93')).toBe(true); // a number and its decimal text are equal
    expect(holds('pct', 'eq', '0x5d')).toBe(false); // but only in JSON's number grammar
    expect(holds('pct', 'eq', ' 93')).toBe(false);
    expect(holds('on', 'eq', 'true')).toBe(false); // booleans equal only booleans
    expect(holds('on', 'eq', true)).toBe(true);
    expect(holds('host', 'neq', 'backup-2')).toBe(true);
    expect(holds('missing', 'neq', 'x')).toBe(false); // an absent field never holds
    expect(holds('host', 'in', ['backup-1', 'backup-2'])).toBe(true);
    expect(holds('pct', 'in', ['93'])).toBe(true);
    expect(holds('host', 'in', ['backup-3'])).toBe(false);
    expect(holds('pct', 'gt', 90)).toBe(true);
    expect(holds('pct', 'gte', 93)).toBe(true);
    expect(holds('pct', 'lt', 93)).toBe(false);
    expect(holds('pct', 'lte', 93)).toBe(true);
    expect(holds('x', 'gt', 1, { x: '93.5' })).toBe(true); // a numeric string compares as its number
    expect(holds('host', 'gt', 1)).toBe(false); // not a number: never greater
    expect(holds('disk.mount', 'eq', '/var')).toBe(true);
    expect(holds('payload.disk.mount', 'exists')).toBe(true);
    expect(holds('nothing', 'exists')).toBe(false); // null is not there
    expect(holds('tags.0', 'exists')).toBe(false); // paths do not enter arrays
  });

  it('says what it checks, and why a payload misses', () => {
    const gt = compilePayloadCondition({ field: 'pct', op: 'gt', value: 95 });
    expect(gt.condition).toBe('payload.pct > 95');
    expect(gt.miss(payload)).toBe('payload.pct is 93');
    expect(compilePayloadCondition({ field: 'payload.region', op: 'exists' }).miss(payload)).toBe(
      'payload.region is absent',
    );
    expect(compilePayloadCondition({ field: 'host', op: 'in', value: ['a', 'b'] }).condition).toBe(
      'payload.host in ["a","b"]',
    );
    expect(gt.miss({ pct: 99 })).toBeNull();
  });

  it('reads own properties only, never through the prototype', () => {
    expect(valueAt({}, ['constructor'])).toBeUndefined();
    expect(valueAt({ a: {} }, ['a', '__proto__'])).toBeUndefined();
    expect(holds('toString', 'exists', undefined, {})).toBe(false);
    expect(holds('__proto__', 'exists', undefined, JSON.parse('{"__proto__": {"x": 1}}'))).toBe(true);
  });

  it('never throws on an odd payload: not an object, deep, huge, with NUL; it just does not hold', () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 200_000; i++) deep = { a: deep };
    const huge = { env: 'x'.repeat(5_000_000), n: '9'.repeat(1_000_000) };
    const odd: unknown[] = [undefined, null, 0, 'prod', true, [], [{ env: 'prod' }], deep, huge, { env: 'pr\u0000od' }];
    const conditions = new PayloadConditions([
      { field: 'env', op: 'eq', value: 'prod' },
      { field: 'n', op: 'gt', value: 5 },
    ]);
    for (const value of odd) {
      expect(conditions.matches(value)).toBe(false);
      for (const op of ['eq', 'neq', 'in', 'gt', 'gte', 'lt', 'lte', 'exists'] as const) {
        const compiled = compilePayloadCondition({ field: 'a.a.a', op, value: (op === 'in' ? ['x'] : 1) as never });
        expect(() => compiled.holds(value)).not.toThrow();
        expect(() => compiled.miss(value)).not.toThrow();
      }
    }
    // The path's own value, however deep below it, is described without overflowing the stack.
    expect(compilePayloadCondition({ field: 'a', op: 'eq', value: 1 }).miss(deep)).toMatch(/^payload\.a is /);
    expect(new PayloadConditions([{ field: 'n', op: 'gt', value: 5 }]).matches(huge)).toBe(true);
  });

  it('holds with no conditions, and only when every condition holds', () => {
    expect(new PayloadConditions(undefined).matches('anything')).toBe(true);
    expect(new PayloadConditions([]).matches(null)).toBe(true);
    const both = new PayloadConditions([
      { field: 'payload.env', op: 'eq', value: 'prod' },
      { field: 'replicas', op: 'gte', value: 3 },
    ]);
    expect(both.matches({ env: 'prod', replicas: 3 })).toBe(true);
    expect(both.matches({ env: 'prod', replicas: 2 })).toBe(false);
    expect(both.matches({ env: 'staging', replicas: 5 })).toBe(false);
  });

  it('compares scalars as JSON does, with a number equal to its decimal text', () => {
    expect(sameScalar(93, '93')).toBe(true);
    expect(sameScalar('93.0', 93)).toBe(true);
    expect(sameScalar('1e2', 100)).toBe(true);
    expect(sameScalar(true, 'true')).toBe(false);
    expect(sameScalar(null, null)).toBe(true);
    expect(toNumber(Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(toNumber('-0.5')).toBe(-0.5);
    expect(toNumber('')).toBeUndefined();
  });
});

describe('validating payload conditions (both APIs)', () => {
  const shapeErrors = async (condition: object) =>
    (await validate(plainToInstance(PayloadConditionDto, condition))).flatMap((e) =>
      Object.values(e.constraints ?? {}).map((message) => ({ property: e.property, message })),
    );

  it('takes a payload path and a known operator', async () => {
    expect(await shapeErrors({ field: 'payload.env', op: 'eq', value: 'prod' })).toEqual([]);
    expect(await shapeErrors({ field: `${'a.'.repeat(7)}a`, op: 'exists' })).toEqual([]);
    expect(await shapeErrors({ field: `${'a.'.repeat(8)}a`, op: 'exists' })).toEqual([
      { property: 'field', message: expect.stringMatching(/^field must be a payload path/) },
    ]);
    for (const field of ['', 'a b', 'a..b', 'a.', 'x'.repeat(65), 'a\u0000', 'tags[0]']) {
      expect(await shapeErrors({ field, op: 'exists' })).toContainEqual({
        property: 'field',
        message: expect.stringMatching(/^field must be a payload path/),
      });
    }
    expect(await shapeErrors({ field: 'env', op: 'like' })).toEqual([
      { property: 'op', message: 'op must be one of eq, neq, in, gt, gte, lt, lte, exists' },
    ]);
  });

  it('names each value that does not suit its operator, under the list it is in', () => {
    const conditions = [
      { field: 'a', op: 'exists', value: 1 },
      { field: 'a', op: 'in', value: 'prod' },
      { field: 'a', op: 'in', value: [] },
      { field: 'a', op: 'in', value: Array.from({ length: 101 }, (_, i) => i) },
      { field: 'a', op: 'in', value: [{}] },
      { field: 'a', op: 'gt', value: '5' },
      { field: 'a', op: 'lte' },
      { field: 'a', op: 'eq', value: 'x'.repeat(257) },
      { field: 'a', op: 'neq', value: null },
      { field: 'a', op: 'eq', value: 'x'.repeat(256) },
      { field: 'a', op: 'in', value: ['a', 1, true] },
      { field: 'a', op: 'gte', value: -1.5 },
      { field: 'a', op: 'exists' },
    ];
    expect(payloadConditionProblems(conditions, 'trigger.events')).toEqual([
      { field: 'trigger.events.payload.0.value', message: 'exists takes no value' },
      ...[1, 2, 3, 4].map((i) => ({
        field: `trigger.events.payload.${i}.value`,
        message: 'in takes an array of 1 to 100 strings (at most 256 characters), numbers or booleans',
      })),
      { field: 'trigger.events.payload.5.value', message: 'gt takes a number' },
      { field: 'trigger.events.payload.6.value', message: 'lte takes a number' },
      {
        field: 'trigger.events.payload.7.value',
        message: 'eq takes a string (at most 256 characters), number or boolean',
      },
      {
        field: 'trigger.events.payload.8.value',
        message: 'neq takes a string (at most 256 characters), number or boolean',
      },
    ]);
    expect(payloadConditionProblems(conditions.slice(5, 6), 'match')).toEqual([
      { field: 'match.payload.0.value', message: 'gt takes a number' },
    ]);
  });

  it('passes over what is not a list of conditions (the shape checks name it), never throwing', () => {
    for (const odd of [undefined, null, 'x', 5, {}, [null, 'x', 3]]) {
      expect(payloadConditionProblems(odd, 'match')).toEqual([]);
    }
  });
});
