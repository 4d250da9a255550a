/** NATS headers every Daalu message carries besides its JSON body. */
export const HEADER_MSG_ID = 'Nats-Msg-Id';
export const HEADER_KIND = 'Daalu-Kind';
export const HEADER_SCHEMA_VERSION = 'Daalu-Schema-Version';
export const HEADER_CORRELATION_ID = 'Daalu-Correlation-Id';
