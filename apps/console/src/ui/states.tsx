import type { ReactNode } from 'react';
import { ApiError } from '../api/client';

/** While something loads: said in words to screen readers too. */
export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

/** Nothing to show yet, and what to do next. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-state">
      <p className="empty-title">{title}</p>
      {children && <div>{children}</div>}
    </div>
  );
}

/** An API error in words: the problem's title and detail, and every field it names. */
export function ProblemMessage({ error }: { error: unknown }) {
  if (!error) return null;
  const apiError = error instanceof ApiError ? error : null;
  return (
    <div className="problem" role="alert">
      <p>
        <strong>{apiError ? apiError.title : 'Something went wrong'}</strong>
        {apiError?.detail ? `: ${apiError.detail}` : apiError ? '' : `: ${(error as Error).message ?? String(error)}`}
      </p>
      {apiError?.is('insufficient-scope') && (
        <p>
          The token you signed in with cannot do this
          {apiError.requiredScope ? (
            <>
              : it needs the <code>{apiError.requiredScope}</code> scope
            </>
          ) : null}
          . Sign in with a token that has it, or ask an admin of this tenant.
        </p>
      )}
      {apiError?.is('tenant-suspended') && (
        <p>This tenant is suspended by whoever runs this Daalu: nothing can be read or changed until it is resumed.</p>
      )}
      {apiError && apiError.fields.length > 0 && (
        <ul>
          {apiError.fields.map((f, i) => (
            <li key={i}>
              <code>{f.field}</code>: {f.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A field's own errors, next to it (ids so the input can point at them with aria-describedby). */
export function FieldErrors({ id, error, field }: { id: string; error: unknown; field: string }) {
  const messages = error instanceof ApiError ? error.forField(field) : [];
  if (messages.length === 0) return null;
  return (
    <p id={id} className="field-error">
      {messages.join('; ')}
    </p>
  );
}

const STATUS_ICONS: Record<string, string> = {
  delivered: '✓',
  succeeded: '✓',
  healthy: '✓',
  failing: '!',
  disabled: '⊘',
  skipped: '↷',
  requesting: '…',
  sending: '…',
  done: '✓',
  resolved: '✓',
  approved: '✓',
  pending: '…',
  firing: '!',
  failed: '✕',
  rejected: '✕',
  info: 'ℹ',
  warning: '▲',
  critical: '‼',
};

/** A state as text with an icon; the colour only repeats what the words say. */
export function StatusLabel({ status }: { status: string }) {
  return (
    <span className={`status status-${status.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`}>
      <span aria-hidden="true">{STATUS_ICONS[status.toLowerCase()] ?? '•'} </span>
      {status}
    </span>
  );
}
