/**
 * What a handler decided about one message. A receiver's failure is still a processed message (ack, and
 * schedule the retry as new work); an infrastructure error is a nak with a delay; a message that can
 * never be processed is terminated, after it was recorded as a dead letter.
 */
export type Decision =
  { outcome: 'ack' } | { outcome: 'nak'; delayMs: number; reason: string } | { outcome: 'term'; reason: string };

export const ack = (): Decision => ({ outcome: 'ack' });
export const nak = (delayMs: number, reason: string): Decision => ({ outcome: 'nak', delayMs, reason });
export const term = (reason: string): Decision => ({ outcome: 'term', reason });
