import type { WebhookSpec } from '@daalu/contracts';

/** A webhook's POSTs per second: its own `delivery.ratePerSecond`, never above the platform's cap. */
export function ratePerSecondOf(spec: WebhookSpec, platformRate: number): number {
  return Math.min(platformRate, spec.delivery?.ratePerSecond ?? platformRate);
}
