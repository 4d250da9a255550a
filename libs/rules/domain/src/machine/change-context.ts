import type { AlertContextEvent, EventIngested } from '@daalu/contracts';
import type { ChangeEvent } from './alert-states';
import { typeGlob } from '../compiled-match';
import { valueAt } from '../event-view';
import type { Glob } from '@daalu/shared/text';

const MAX_CONTEXT = 20;
/** Changes kept per tenant at most (the newest): enough for 20 of one service among busy others. */
const MAX_KEPT = 200;

/**
 * The change events (deploys and the like) of each tenant's recent past, so that a fired alert can say
 * "the latency spike at 14:32 coincided with the deploy at 14:30": same tenant, within the window
 * before the alert, and the same `payload.service` where the alert's event has one.
 */
export class ChangeContext {
  private readonly matchers: Glob[];
  private readonly byTenant = new Map<string, ChangeEvent[]>();

  constructor(
    types: string[],
    private readonly windowMs: number,
  ) {
    this.matchers = types.map(typeGlob);
  }

  isChange(type: string): boolean {
    return this.matchers.some((matcher) => matcher.matches(type));
  }

  /** Keeps the event if it is a change; returns it as stored, or null. */
  remember(event: EventIngested): ChangeEvent | null {
    if (!this.isChange(event.type)) return null;
    const service = valueAt(event.payload, ['service']);
    const change: ChangeEvent = {
      tenantId: event.tenantId,
      receivedAt: Date.parse(event.receivedAt),
      eventId: event.id,
      type: event.type,
      source: event.source,
      summary: event.summary,
      service: typeof service === 'string' ? service : null,
    };
    this.add(change);
    return change;
  }

  add(change: ChangeEvent): void {
    let list = this.byTenant.get(change.tenantId);
    if (!list) this.byTenant.set(change.tenantId, (list = []));
    list.push(change);
    if (list.length > MAX_KEPT) list.splice(0, list.length - MAX_KEPT);
  }

  /** Whether a change is still kept (a burst of changes pushes the oldest out). */
  keeps(change: ChangeEvent): boolean {
    const list = this.byTenant.get(change.tenantId);
    return list !== undefined && list.length > 0 && list[0].receivedAt <= change.receivedAt && list.includes(change);
  }

  /** The context of an alert fired at `at` by an event of `service` (if any), newest first. */
  before(tenantId: string, at: number, service: unknown): AlertContextEvent[] {
    const list = this.byTenant.get(tenantId);
    if (!list) return [];
    const from = at - this.windowMs;
    const out: AlertContextEvent[] = [];
    for (let i = list.length - 1; i >= 0 && out.length < MAX_CONTEXT; i--) {
      const change = list[i];
      if (change.receivedAt > at) continue;
      if (change.receivedAt < from) break;
      if (typeof service === 'string' && change.service !== null && change.service !== service) continue;
      out.push({
        id: change.eventId,
        type: change.type,
        source: change.source,
        summary: change.summary,
        receivedAt: new Date(change.receivedAt).toISOString(),
      });
    }
    return out;
  }

  /** Forgets changes older than the window before `now`; returns the cut-off. */
  prune(now: number): number {
    const cutoff = now - this.windowMs;
    for (const [tenantId, list] of this.byTenant) {
      const firstKept = list.findIndex((change) => change.receivedAt >= cutoff);
      if (firstKept === -1) this.byTenant.delete(tenantId);
      else if (firstKept > 0) list.splice(0, firstKept);
    }
    return cutoff;
  }

  clear(): void {
    this.byTenant.clear();
  }
}
