import Fastify from 'fastify';
import { badlyEncodedParameters, inputProblem, MAX_BODY_DEPTH, refuseUnsafeInput } from './unsafe-input';

describe('unsafe input, refused at the edge', () => {
  it('names the body field or the query parameter', () => {
    expect(inputProblem({ name: 'ok 🚀', alert: { summary: 'fine' } }, { q: 'x' })).toBeNull();
    expect(inputProblem({ name: 'bad\u0000' }, {})).toMatchObject({
      status: 400,
      errors: [{ field: 'name', message: 'must not contain a NUL character (\\u0000)' }],
    });
    expect(inputProblem({ match: { payload: [{ value: '\udfff' }] } }, {})).toMatchObject({
      errors: [{ field: 'match.payload[0].value', message: expect.stringMatching(/lone surrogate/) }],
    });
    expect(inputProblem({ headers: { 'x\u0000': 'v' } }, {})).toMatchObject({
      errors: [{ field: 'headers (a key)', message: expect.stringMatching(/^keys .*NUL/) }],
    });
    expect(inputProblem('\u0000', {})).toMatchObject({ errors: [{ field: '(body)' }] });
    expect(inputProblem(undefined, { q: '\u0000', 'payload.x': ['ok', 'v\u0000'], limit: '5' })).toMatchObject({
      type: expect.stringMatching(/invalid-query$/),
      errors: [
        { field: 'q', message: expect.stringMatching(/NUL/) },
        { field: 'payload.x', message: expect.stringMatching(/NUL/) },
      ],
    });
    expect(inputProblem(undefined, { 'a\u0000': '1' })).toMatchObject({
      errors: [{ field: '(a parameter name)' }],
    });
  });

  it('answers 400 problem+json before the handler runs, on every route', async () => {
    const app = Fastify();
    refuseUnsafeInput(app);
    let handled = 0;
    app.post('/things', async (request) => {
      handled++;
      return request.body;
    });
    app.get('/things', async () => {
      handled++;
      return [];
    });
    const post = (payload: string) =>
      app.inject({ method: 'POST', url: '/things', headers: { 'content-type': 'application/json' }, payload });

    const nul = await post('{"name":"a\\u0000b"}');
    expect(nul.statusCode).toBe(400);
    expect(nul.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(nul.json()).toMatchObject({ errors: [{ field: 'name', message: expect.stringMatching(/NUL/) }] });
    const lone = await post('{"list":[{"k":"\\udfff"}]}');
    expect(lone.statusCode).toBe(400);
    expect(lone.json().errors).toEqual([{ field: 'list[0].k', message: expect.stringMatching(/lone surrogate/) }]);
    const query = await app.inject({ method: 'GET', url: '/things?q=%00' });
    expect(query.statusCode).toBe(400);
    expect(query.json().errors).toEqual([{ field: 'q', message: expect.stringMatching(/NUL/) }]);
    expect(handled).toBe(0);

    const emoji = await post('{"name":"\\ud83d\\ude80 ok"}');
    expect(emoji.statusCode).toBe(200);
    expect(emoji.json()).toEqual({ name: '🚀 ok' });
    expect((await app.inject({ method: 'GET', url: '/things?q=%F0%9F%9A%80' })).statusCode).toBe(200);
    expect(handled).toBe(2);
    await app.close();
  });

  /** `{"a":[[[ … ]]]}` with `levels` objects and arrays in all. */
  const nested = (levels: number) => `{"a":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`;

  it('refuses a body nested deeper than the limit, naming where it goes too deep, in one walk', () => {
    expect(inputProblem(JSON.parse(nested(MAX_BODY_DEPTH)), {})).toBeNull();
    const deep = inputProblem(JSON.parse(nested(MAX_BODY_DEPTH + 1)), {});
    expect(deep).toMatchObject({
      status: 400,
      type: expect.stringMatching(/invalid-body$/),
      errors: [{ field: `a${'[0]'.repeat(MAX_BODY_DEPTH - 1)}`, message: expect.stringMatching(/at most 64 levels/) }],
    });
    // 100,000 deep costs the walk 64 steps, and never the stack.
    const huge = inputProblem(JSON.parse(nested(100_000)), {});
    expect(huge?.errors).toEqual(deep?.errors);
    // Whichever comes first in the document is named.
    expect(inputProblem({ a: 'x\u0000', b: JSON.parse(nested(100)) }, {})).toMatchObject({ errors: [{ field: 'a' }] });
    expect(inputProblem(JSON.parse(nested(100_000)), { q: '\u0000' })).toMatchObject({
      errors: [{ field: expect.stringMatching(/^a\[0\]/) }],
    });
  });

  it('names each query parameter that is not valid %-encoding, once', () => {
    expect(badlyEncodedParameters('q=%F0%9F%9A%80&type=deploy.*&x=100%25&y=a+b')).toEqual([]);
    expect(badlyEncodedParameters('q=%E0%A4%A&type=%ZZ&s=%&t=%C0%AF&q=%ZZ').map((e) => e.field)).toEqual([
      'q',
      'type',
      's',
      't',
    ]);
    expect(badlyEncodedParameters('payload.a%ZZ=1&payload.b%ZZ')).toEqual([
      { field: '(a parameter name)', message: expect.stringMatching(/%-encoding/) },
    ]);
    expect(badlyEncodedParameters('na%20me=%ZZ')).toEqual([{ field: 'na me', message: expect.stringMatching(/%25/) }]);
    expect(inputProblem(undefined, { q: '%ZZ', r: '\u0000' }, 'q=%ZZ&r=%00')).toMatchObject({
      type: expect.stringMatching(/invalid-query$/),
      errors: [{ field: 'q' }, { field: 'r', message: expect.stringMatching(/NUL/) }],
    });
  });

  it('answers 400 problem+json for a 100,000-deep body and bad %-encoding, on a real Fastify', async () => {
    const app = Fastify();
    refuseUnsafeInput(app);
    let handled = 0;
    app.post('/things', async () => {
      handled++;
      return {};
    });
    app.get('/things', async () => {
      handled++;
      return {};
    });
    const deep = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { 'content-type': 'application/json' },
      payload: nested(100_000),
    });
    expect(deep.statusCode).toBe(400);
    expect(deep.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(deep.json().errors[0].field).toMatch(/^a\[0\]\[0\]/);
    const encoding = await app.inject({ method: 'GET', url: '/things?q=%E0%A4%A&type=%ZZ' });
    expect(encoding.statusCode).toBe(400);
    expect(encoding.json().errors.map((e: { field: string }) => e.field)).toEqual(['q', 'type']);
    expect(handled).toBe(0);
    expect((await app.inject({ method: 'GET', url: '/things?q=100%25#%ZZ' })).statusCode).toBe(200);
    await app.close();
  });
});
