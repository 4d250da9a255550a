import { useQuery } from '@tanstack/react-query';
import type { Schema } from '@daalu/client';
import { daalu, data } from '../api/client';

export type EventType = Schema<'EventType'>;

/**
 * The tenant's event types (`GET /api/v1/event-types`, docs/timeline.md): what it sends, for the type
 * fields of the rule and webhook forms. Read once a minute at most; a failure only leaves the
 * suggestions out (the fields take any type).
 */
export function useEventTypes() {
  return useQuery({
    queryKey: ['event-types'],
    queryFn: ({ signal }) => data(daalu.GET('/api/v1/event-types', { signal })),
    staleTime: 60_000,
    retry: false,
  });
}

/** The `<datalist>` a type input names in its `list`: every type the tenant sent, with how often. */
export function EventTypeOptions({ id }: { id: string }) {
  const types = useEventTypes();
  return (
    <datalist id={id}>
      {types.data?.items.map((t) => (
        <option key={t.type} value={t.type} label={`${t.count} sent, from ${t.sources.join(', ') || 'no source'}`} />
      ))}
    </datalist>
  );
}

/**
 * What the tenant sent of the type in `value` (an exact one): how many, from where, and the payload's
 * top-level fields, which is what a payload condition names. Nothing for a glob or an unknown type.
 */
export function EventTypeHint({ value, id }: { value: string; id?: string }) {
  const types = useEventTypes();
  const known = types.data?.items.find((t) => t.type === value.trim());
  if (!known) return null;
  const fields = known.sample ? Object.keys(known.sample).slice(0, 12) : [];
  return (
    <p className="help" id={id}>
      <code>{known.type}</code>: {known.count} sent (last {new Date(known.lastSeenAt).toLocaleString()}), from{' '}
      {known.sources.join(', ') || 'no source'}
      {fields.length > 0 && (
        <>
          ; payload fields{' '}
          {fields.map((f, i) => (
            <span key={f}>
              {i > 0 && ', '}
              <code>{f}</code>
            </span>
          ))}
        </>
      )}
      {known.sampleTruncated && '; its latest payload is too large to show'}.
    </p>
  );
}
