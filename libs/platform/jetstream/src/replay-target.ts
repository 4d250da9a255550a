import type { JsMsg } from '@nats-io/jetstream';
import { HEADER_REPLAY_FOR } from '@daalu/contracts';

/**
 * Whether `consumer` should take this message: every consumer takes an ordinary message; a replayed
 * dead letter (HEADER_REPLAY_FOR) is taken only by the consumer that set it aside.
 */
export function isForConsumer(msg: Pick<JsMsg, 'headers'>, consumer: string): boolean {
  const target = msg.headers?.get(HEADER_REPLAY_FOR);
  return !target || target === consumer;
}
