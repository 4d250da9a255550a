/** NATS headers every Daalu message carries besides its JSON body. */
export const HEADER_MSG_ID = 'Nats-Msg-Id';
export const HEADER_KIND = 'Daalu-Kind';
export const HEADER_SCHEMA_VERSION = 'Daalu-Schema-Version';
export const HEADER_CORRELATION_ID = 'Daalu-Correlation-Id';
/**
 * Set on a dead-lettered message that an operator re-publishes after a fix: only the consumer it names
 * applies it, every other consumer of the subject steps over it (they handled the original already).
 */
export const HEADER_REPLAY_FOR = 'Daalu-Replay-For';
