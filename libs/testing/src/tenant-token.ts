import { v7 as uuidv7 } from 'uuid';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { ApiTokenIssuedCodec, generateToken, HEADER_KIND, hashToken, tokenPrefix } from '@daalu/contracts';
import type { TestNats } from './test-nats';

/**
 * A tenant with a tenant API token, as the gateway would have issued it: the `api-token.issued` fact on
 * the CONFIG stream (only the hash), for apps under test that serve the tenant API.
 */
export async function aTenantWithApiToken(
  nats: TestNats,
): Promise<{ id: string; token: string; auth: { authorization: string } }> {
  const id = uuidv7();
  const token = generateToken('api-token');
  const factId = uuidv7();
  const fact = ApiTokenIssuedCodec.encode({
    schemaVersion: 1,
    kind: 'api-token.issued',
    id: factId,
    tenantId: id,
    correlationId: factId,
    causationId: null,
    occurredAt: new Date().toISOString(),
    tokenId: uuidv7(),
    tokenHash: hashToken(token),
    tokenPrefix: tokenPrefix(token),
  });
  // Published as the platform's publisher does: the kind in a header (readers decode by it), deduplicated by id.
  const headers = natsHeaders();
  headers.set(HEADER_KIND, 'api-token.issued');
  await nats.js.publish(nats.subjects.config(id, 'api-token'), fact, { msgID: factId, headers });
  return { id, token, auth: { authorization: `Bearer ${token}` } };
}
