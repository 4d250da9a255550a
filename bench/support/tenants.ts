import { fetchWithTimeout, log, sleep } from './util';

const TENANT_CONCURRENCY = 20;

export interface CreatedTenant {
  id: string;
  ingestKey: string;
  apiToken: string;
}

/** Creates the tenants, `TENANT_CONCURRENCY` at a time, retrying 429/5xx/network errors; returns their ingest keys. */
export async function createTenants(
  baseUrl: string,
  operatorToken: string,
  namespace: string,
  tenantCount: number,
): Promise<CreatedTenant[]> {
  const keys: CreatedTenant[] = new Array(tenantCount);
  let next = 0;
  let done = 0;
  let retries = 0;
  let lastReport = Date.now();
  const started = Date.now();
  const createOne = async (index: number): Promise<CreatedTenant> => {
    for (let attempt = 1; ; attempt++) {
      let problem: string;
      let waitMs = Math.min(200 * 2 ** attempt, 5000);
      try {
        const res = await fetchWithTimeout(`${baseUrl}/api/v1/tenants`, {
          method: 'POST',
          headers: { authorization: `Bearer ${operatorToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: `${namespace}-tenant-${index}` }),
        });
        const text = await res.text();
        if (res.status === 201 || res.status === 200) {
          const body = JSON.parse(text) as Partial<CreatedTenant>;
          if (typeof body.ingestKey !== 'string' || typeof body.apiToken !== 'string' || typeof body.id !== 'string') {
            throw new Error(
              `POST /api/v1/tenants answered ${res.status} without id, ingestKey and apiToken: ${text.slice(0, 500)}`,
            );
          }
          return { id: body.id, ingestKey: body.ingestKey, apiToken: body.apiToken };
        }
        problem = `${res.status} ${text.slice(0, 500)}`;
        if (res.status !== 429 && res.status < 500) {
          throw new Error(`POST /api/v1/tenants answered ${problem}`);
        }
        const retryAfter = Number(res.headers.get('retry-after'));
        if (Number.isFinite(retryAfter) && retryAfter > 0) waitMs = Math.min(retryAfter * 1000, 10_000);
      } catch (error) {
        if ((error as Error).message.startsWith('POST /api/v1/tenants')) throw error;
        problem = (error as Error).message;
      }
      if (attempt >= 10) throw new Error(`creating tenant ${index} failed ${attempt} times; last: ${problem}`);
      retries++;
      await sleep(waitMs);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(TENANT_CONCURRENCY, tenantCount) }, async () => {
      while (next < tenantCount) {
        const index = next++;
        keys[index] = await createOne(index);
        done++;
        if (Date.now() - lastReport >= 2000 || done === tenantCount) {
          lastReport = Date.now();
          const rate = done / ((Date.now() - started) / 1000);
          log(`tenants: ${done}/${tenantCount} (${Math.round(rate)}/s${retries ? `, ${retries} retries` : ''})`);
        }
      }
    }),
  );
  return keys;
}

/**
 * One tenant made through the gateway's operator API, with its ingest limit raised to `perSecond`, and a
 * moment for the other apps to learn its API token from the log.
 */
export async function createLoadTenant(
  gatewayUrl: string,
  operatorToken: string,
  perSecond: number,
): Promise<CreatedTenant> {
  const headers = { authorization: `Bearer ${operatorToken}`, 'content-type': 'application/json' };
  const created = await fetch(`${gatewayUrl}/api/v1/tenants`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: 'bench' }),
  });
  if (created.status !== 201) throw new Error(`creating the tenant: ${created.status} ${await created.text()}`);
  const tenant = (await created.json()) as CreatedTenant;
  const limited = await fetch(`${gatewayUrl}/api/v1/tenants/${tenant.id}/rate-limit`, {
    method: 'PUT',
    headers,
    body: JSON.stringify({ perSecond, burst: perSecond }),
  });
  if (limited.status >= 300) throw new Error(`raising the limit: ${limited.status} ${await limited.text()}`);
  await sleep(500);
  return tenant;
}
