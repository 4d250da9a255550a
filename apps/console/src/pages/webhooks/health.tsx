import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Webhook } from '@daalu/client';
import { daalu, data } from '../../api/client';
import { RelativeTime } from '../../ui/relative-time';
import { ProblemMessage, StatusLabel } from '../../ui/states';
import { enabledBody, percent, webhookKeys, type HealthState, type WebhookHealth } from './api';
import { HttpStatus } from './exchange';

const HEALTH_WORDS: Record<HealthState, string> = { healthy: 'Healthy', failing: 'Failing', disabled: 'Disabled' };

/** Healthy, Failing or Disabled, in words with an icon (the colour only repeats them). */
export function HealthLabel({ health }: { health: WebhookHealth }) {
  return <StatusLabel status={HEALTH_WORDS[health.state] ?? health.state} />;
}

const time = (value: string | null) => (value ? Date.parse(value) : -Infinity);

/**
 * The last attempt's outcome: its status (or error) and when. A failure shows `lastError` (`HTTP 500`,
 * or a connection error), a success its status.
 */
export function LastResult({ health }: { health: WebhookHealth }) {
  const success = time(health.lastSuccessAt);
  const failure = time(health.lastFailureAt);
  if (success === -Infinity && failure === -Infinity) return <span className="help">no attempt yet</span>;
  if (failure > success) {
    return (
      <span className="row">
        <span className="status status-failed">
          <span aria-hidden="true">✕ </span>
          {health.lastError ?? (health.lastStatus ? `HTTP ${health.lastStatus}` : 'failed')}
        </span>
        <RelativeTime value={health.lastFailureAt} />
      </span>
    );
  }
  return (
    <span className="row">
      {health.lastStatus ? <HttpStatus code={health.lastStatus} /> : <StatusLabel status="delivered" />}
      <RelativeTime value={health.lastSuccessAt} />
    </span>
  );
}

/** The health's numbers, for the detail page's settings. */
export function HealthFacts({ health }: { health: WebhookHealth }) {
  return (
    <>
      <dt>Health</dt>
      <dd>
        <HealthLabel health={health} />
      </dd>
      <dt>Last attempt</dt>
      <dd>
        <LastResult health={health} />
      </dd>
      <dt>Success rate</dt>
      <dd>
        {percent(health.successRate1h)} in the last hour, {percent(health.successRate24h)} in 24 hours
      </dd>
      <dt>Response time</dt>
      <dd>{health.p50Ms === null ? '—' : `median ${health.p50Ms} ms, 99th percentile ${health.p99Ms ?? '—'} ms`}</dd>
    </>
  );
}

/**
 * Above the detail page when something is wrong: failing (since when, the last error, what to do), or
 * disabled (why, and Re-enable: the webhook saved again with `enabled: true` and without `headers`, so
 * its custom headers stay).
 */
export function HealthBanner({ webhook }: { webhook: Webhook }) {
  const { health } = webhook;
  const queryClient = useQueryClient();
  const enable = useMutation({
    mutationFn: () =>
      data(daalu.PUT('/api/v1/webhooks/{id}', { params: { path: { id: webhook.id } }, body: enabledBody(webhook) })),
    onSuccess: async (saved) => {
      queryClient.setQueryData(webhookKeys.one(webhook.id), saved);
      await queryClient.invalidateQueries({ queryKey: webhookKeys.list });
    },
  });

  if (health.state === 'failing') {
    return (
      <section className="banner banner-failing" aria-labelledby="health-banner-title">
        <h2 id="health-banner-title">
          <StatusLabel status="Failing" /> since <RelativeTime value={health.failingSince} /> — last error{' '}
          <code>{health.lastError ?? (health.lastStatus ? `HTTP ${health.lastStatus}` : 'unknown')}</code>
        </h2>
        <p>
          {health.consecutiveFailures} failed {health.consecutiveFailures === 1 ? 'attempt' : 'attempts'} in a row; last
          success {health.lastSuccessAt ? <RelativeTime value={health.lastSuccessAt} /> : 'never'}. Each delivery is
          retried for its retry window, then marked failed. Once your receiver answers again,{' '}
          <a href="#recover-title">recover the failed deliveries</a>.
        </p>
      </section>
    );
  }
  if (health.state === 'disabled' || !webhook.enabled) {
    const reason = health.disabledReason ?? webhook.disabledReason ?? 'disabled by its owner';
    return (
      <section className="banner banner-disabled" aria-labelledby="health-banner-title">
        <h2 id="health-banner-title">
          <span className="status status-disabled" aria-hidden="true">
            ⊘
          </span>{' '}
          Disabled: {reason}
        </h2>
        <p>
          {health.disabledAt && (
            <>
              Since <RelativeTime value={health.disabledAt} />.{' '}
            </>
          )}
          Nothing is sent meanwhile: its deliveries are recorded as skipped. Re-enable it, then recover what it missed.
        </p>
        <div className="actions">
          <button type="button" disabled={enable.isPending} onClick={() => enable.mutate()}>
            {enable.isPending ? 'Enabling…' : 'Re-enable'}
          </button>
        </div>
        <ProblemMessage error={enable.error} />
      </section>
    );
  }
  if (enable.isSuccess) {
    return (
      <p className="notice" role="status">
        Enabled again: deliveries are sent from now on. To send what it missed, recover the skipped deliveries below.
      </p>
    );
  }
  return null;
}
