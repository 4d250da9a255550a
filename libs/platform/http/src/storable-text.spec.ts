import Fastify from 'fastify';
import { refuseUnstorableText, unstorableTextProblem } from './storable-text';

describe('text PostgreSQL cannot store, refused at the edge', () => {
  it('names the body field or the query parameter', () => {
    expect(unstorableTextProblem({ name: 'ok 🚀', alert: { summary: 'fine' } }, { q: 'x' })).toBeNull();
    expect(unstorableTextProblem({ name: 'bad\u0000' }, {})).toMatchObject({
      status: 400,
      errors: [{ field: 'name', message: 'must not contain a NUL character (\\u0000)' }],
    });
    expect(unstorableTextProblem({ match: { payload: [{ value: '\udfff' }] } }, {})).toMatchObject({
      errors: [{ field: 'match.payload[0].value', message: expect.stringMatching(/lone surrogate/) }],
    });
    expect(unstorableTextProblem({ headers: { 'x\u0000': 'v' } }, {})).toMatchObject({
      errors: [{ field: 'headers (a key)', message: expect.stringMatching(/^keys .*NUL/) }],
    });
    expect(unstorableTextProblem('\u0000', {})).toMatchObject({ errors: [{ field: '(body)' }] });
    expect(unstorableTextProblem(undefined, { q: '\u0000', 'payload.x': ['ok', 'v\u0000'], limit: '5' })).toMatchObject(
      {
        type: expect.stringMatching(/invalid-query$/),
        errors: [
          { field: 'q', message: expect.stringMatching(/NUL/) },
          { field: 'payload.x', message: expect.stringMatching(/NUL/) },
        ],
      },
    );
    expect(unstorableTextProblem(undefined, { 'a\u0000': '1' })).toMatchObject({
      errors: [{ field: '(a parameter name)' }],
    });
  });

  it('answers 400 problem+json before the handler runs, on every route', async () => {
    const app = Fastify();
    refuseUnstorableText(app);
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
});
