import { v5 as uuidv5 } from 'uuid';

/** Namespace of the evaluator's derived ids (any fixed UUID; changing it would change every id). */
const NAMESPACE = '6f1c3c2e-7d4a-4b8e-9a51-2f0d8c9e4b17';

/**
 * Ids derived from what caused them, never random: a replay, a restarted or a second evaluator derives
 * the same alert id and the same fact ids, so the log (Nats-Msg-Id) and the ledger keep one fact each.
 */
export function alertIdFor(ruleId: string, groupKey: string, firingEventId: string): string {
  return uuidv5(`alert|${ruleId}|${groupKey}|${firingEventId}`, NAMESPACE);
}

export function factIdFor(alertId: string, transition: 'fired' | 'resolved' | 'unsilenced'): string {
  return uuidv5(`${transition}|${alertId}`, NAMESPACE);
}
