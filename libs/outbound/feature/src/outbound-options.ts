import { AddressGuard, SecretBox } from '@daalu/outbound/domain';

/** Settings of the outbound features (from the app's validated config). */
export interface OutboundOptions {
  /** The current sealing key first, then older ones. */
  secretKeys: string[];
  /** CIDRs allowed despite the SSRF guard. */
  allow: string[];
  keyGraceSeconds: number;
  /** An attempt with no answer within this fails (ms; about 10 s). */
  deliveryTimeoutMs: number;
  /** POSTs per second to one URL, across all dispatcher replicas (50). */
  ratePerUrl: number;
  /** Deliveries out at once across all replicas, retry-waiting ones included (the consumer's max_ack_pending). */
  maxAckPending: number;
  /** A webhook failing without a success for this long is disabled (ms; five days). */
  disableAfterMs: number;
}

export const OUTBOUND_OPTIONS = Symbol('OUTBOUND_OPTIONS');

/** A public key for development only: values sealed with it are as good as plain text. */
export const DEVELOPMENT_SECRET_KEY = Buffer.alloc(32, 'daalu-development-key-not-secret').toString('hex');

export function secretBoxOf(options: OutboundOptions): SecretBox {
  return new SecretBox(options.secretKeys);
}

export function addressGuardOf(options: OutboundOptions): AddressGuard {
  return new AddressGuard(options.allow);
}
