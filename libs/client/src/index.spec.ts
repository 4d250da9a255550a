import { createDaaluClient, type Alert, type DaaluClientOptions } from './index';

/** A client whose requests are recorded and answered with `answer`, instead of sent. */
function recording(options: Omit<DaaluClientOptions, 'baseUrl' | 'fetch'>, answer = () => json({ items: [] })) {
  const requests: Request[] = [];
  const client = createDaaluClient({
    baseUrl: 'http://daalu.test/',
    ...options,
    fetch: async (request) => {
      requests.push(request);
      return answer();
    },
  });
  return { client, requests };
}

const json = (body: unknown, status = 200, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

describe('createDaaluClient', () => {
  it('sends the API token with every request but ingest, and the ingest key with ingest only', async () => {
    const { client, requests } = recording({ apiToken: 'dat_token', ingestKey: 'dik_key' });
    await client.GET('/api/v1/alerts', { params: { query: { state: 'firing', limit: 5 } } });
    await client.POST('/api/v1/events', { body: { type: 'x.y', source: 's', summary: 's' } });
    await client.POST('/api/v1/events/batch', { body: [{ type: 'x.y', source: 's', summary: 's' }] });
    await client.DELETE('/api/v1/webhooks/{id}', { params: { path: { id: 'a b' } } });

    expect(
      requests.map((r) => [r.method, r.url, r.headers.get('authorization'), r.headers.get('x-daalu-key')]),
    ).toEqual([
      ['GET', 'http://daalu.test/api/v1/alerts?state=firing&limit=5', 'Bearer dat_token', null],
      ['POST', 'http://daalu.test/api/v1/events', null, 'dik_key'],
      ['POST', 'http://daalu.test/api/v1/events/batch', null, 'dik_key'],
      ['DELETE', 'http://daalu.test/api/v1/webhooks/a%20b', 'Bearer dat_token', null],
    ]);
    expect(requests[1].headers.get('content-type')).toBe('application/json');
    expect(await requests[1].json()).toEqual({ type: 'x.y', source: 's', summary: 's' });
  });

  it('asks a token function on each request, and sends no Authorization without a token', async () => {
    let token: string | undefined = 'dat_one';
    const { client, requests } = recording({ apiToken: () => token });
    await client.GET('/api/v1/alerts');
    token = 'dat_two';
    await client.GET('/api/v1/alerts');
    token = undefined;
    await client.GET('/api/v1/alerts');
    expect(requests.map((r) => r.headers.get('authorization'))).toEqual(['Bearer dat_one', 'Bearer dat_two', null]);
  });

  it('answers data for a success and the problem document for an error', async () => {
    const alert = { id: 'a' } as Alert;
    const ok = recording({}, () => json({ items: [alert], nextCursor: null }));
    const listed = await ok.client.GET('/api/v1/alerts');
    expect(listed.data?.items[0].id).toBe('a');
    expect(listed.error).toBeUndefined();

    const problem = {
      type: 'about:blank',
      title: 'Bad request',
      status: 400,
      errors: [{ field: 'limit', message: 'too small' }],
    };
    const failing = recording({}, () => json(problem, 400, 'application/problem+json'));
    const refused = await failing.client.GET('/api/v1/alerts', { params: { query: { limit: 0 } } });
    expect(refused.data).toBeUndefined();
    expect(refused.response.status).toBe(400);
    expect(refused.error?.errors?.[0].field).toBe('limit');
  });

  it('is typed by the document: unknown paths, parameters and fields do not compile', () => {
    const { client } = recording({});
    // Never called: only the compiler reads these (`npx tsc -p tsconfig.json`).
    const typeChecks = () => [
      // @ts-expect-error -- not a path of the API
      client.GET('/api/v1/nowhere'),
      // @ts-expect-error -- an alert's state is firing or resolved
      client.GET('/api/v1/alerts', { params: { query: { state: 'open' } } }),
      // @ts-expect-error -- an event needs a summary
      client.POST('/api/v1/events', { body: { type: 'x.y', source: 's' } }),
      client.GET('/api/v1/alerts').then(({ data }) => {
        // @ts-expect-error -- an alert has no `name`
        return data?.items[0].name;
      }),
    ];
    expect(typeof typeChecks).toBe('function');
  });
});
