import { v5 as uuidv5 } from 'uuid';

/** Namespace of delivery ids (fixed: changing it would change every id). */
const NAMESPACE = '2b0d7c9a-3e51-4f6a-8d2c-9a7e1b4c5d60';

/**
 * A delivery's id (and `webhook-id` header): derived from the webhook and the fact, so a replay or a
 * retried fan-out requests each delivery once, and a batch can name each of its facts the same way.
 */
export function deliveryIdOf(webhookId: string, factId: string): string {
  return uuidv5(`${webhookId}|${factId}`, NAMESPACE);
}

/** A batch's id (its delivery's id): derived from the webhook and the position of its first fact. */
export function batchIdOf(webhookId: string, firstSeq: number): string {
  return uuidv5(`${webhookId}|batch|${firstSeq}`, NAMESPACE);
}

/** The id of the fact telling a webhook's `seq`-th change of health (a retried tell is stored once). */
export function healthFactIdOf(webhookId: string, seq: number): string {
  return uuidv5(`${webhookId}|health|${seq}`, NAMESPACE);
}

/** The message id of a delivery asked for again by a recovery (each recovery requests it once). */
export function recoveryMessageIdOf(recoveryId: string, deliveryId: string): string {
  return uuidv5(`${recoveryId}|${deliveryId}`, NAMESPACE);
}
