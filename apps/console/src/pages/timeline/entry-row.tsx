import { Link } from '@tanstack/react-router';
import { useId, useRef, useState, type Ref } from 'react';
import type { TimelineEntry } from '@daalu/client';
import { CopyButton } from '../../ui/copy-button';
import { JsonView } from '../../ui/json-view';
import { RelativeTime } from '../../ui/relative-time';
import { StatusLabel } from '../../ui/states';

/** What lands on the timeline (docs/timeline.md, "Kinds of entries"). */
type EntryKind = TimelineEntry['kind'];

/** Each kind in words, with an icon that only repeats them (never colour or shape alone). */
const KINDS: Record<EntryKind, { label: string; icon: string }> = {
  event: { label: 'Event', icon: '◆' },
  'alert.fired': { label: 'Alert fired', icon: '!' },
  'alert.resolved': { label: 'Alert resolved', icon: '✓' },
  'alert.acknowledged': { label: 'Alert acknowledged', icon: '☑' },
  'alert.unacknowledged': { label: 'Alert unacknowledged', icon: '☐' },
  'alert.unsilenced': { label: 'Silence over, still firing', icon: '!' },
  'silence.created': { label: 'Silence', icon: '⏸' },
  'silence.expired': { label: 'Silence ended', icon: '▶' },
  'check.paused': { label: 'Check paused', icon: '⏸' },
  'check.resumed': { label: 'Check resumed', icon: '▶' },
  'proposal.created': { label: 'Proposal', icon: '?' },
  'proposal.approved': { label: 'Proposal approved', icon: '✓' },
  'proposal.rejected': { label: 'Proposal rejected', icon: '✕' },
};

export function KindLabel({ kind }: { kind: EntryKind }) {
  const known = KINDS[kind] ?? { label: kind, icon: '•' };
  return (
    <span className={`kind kind-${kind.replace('.', '-')}`}>
      <span aria-hidden="true">{known.icon} </span>
      {known.label}
    </span>
  );
}

/**
 * One entry: when, what kind, severity, type, summary and where from; "Payload" opens its payload and
 * ids below it (Escape closes it again and returns to the button). Focusable (tabIndex -1) so the page
 * can move focus to the first of newly shown entries.
 */
export function EntryRow({
  entry,
  isNew,
  index,
  ref,
}: {
  entry: TimelineEntry;
  isNew?: boolean;
  /** Its place in the list, for moving focus to it (data-entry-index). */
  index?: number;
  ref?: Ref<HTMLLIElement>;
}) {
  const [open, setOpen] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  const detailId = useId();
  const summaryId = useId();
  return (
    <li
      ref={ref}
      tabIndex={-1}
      data-entry-index={index}
      className={`entry${isNew ? ' entry-new' : ''}`}
      aria-labelledby={summaryId}
    >
      <div className="entry-line">
        <span className="entry-time">
          <RelativeTime value={entry.receivedAt} />
        </span>
        <span className="entry-labels">
          <KindLabel kind={entry.kind} />
          <StatusLabel status={entry.severity} />
          {isNew && <span className="new-label">new</span>}
        </span>
        <span className="entry-what">
          <span id={summaryId} className="entry-summary">
            {entry.summary || '(no summary)'}
          </span>
          <span className="entry-meta">
            <Link to="/timeline" search={(prev) => ({ ...prev, type: entry.type })} title="Show only this type">
              <code>{entry.type}</code>
            </Link>{' '}
            from{' '}
            <Link to="/timeline" search={(prev) => ({ ...prev, source: entry.source })} title="Show only this source">
              <code>{entry.source}</code>
            </Link>
            {entry.module && (
              <>
                {' '}
                · module <code>{entry.module}</code>
              </>
            )}
          </span>
        </span>
        <button
          ref={toggle}
          type="button"
          className="secondary entry-toggle"
          aria-expanded={open}
          aria-controls={detailId}
          onClick={() => setOpen((o) => !o)}
        >
          <span aria-hidden="true">{open ? '▾' : '▸'} </span>
          Payload
          <span className="visually-hidden"> of “{entry.summary || entry.type}”</span>
        </button>
      </div>
      <div
        id={detailId}
        className="entry-detail"
        hidden={!open}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            setOpen(false);
            toggle.current?.focus();
          }
        }}
      >
        {open && (
          <>
            <JsonView value={entry.payload ?? null} label="Payload" />
            <dl className="entry-facts">
              <dt>Id</dt>
              <dd>
                <code>{entry.id}</code> <CopyButton value={entry.id} label="Copy id" />
              </dd>
              <dt>Received</dt>
              <dd>
                <code>{entry.receivedAt}</code>
              </dd>
              <dt>Correlation id</dt>
              <dd>
                <code>{entry.correlationId}</code>
              </dd>
              {entry.refId && (
                <>
                  <dt>{entry.kind.startsWith('alert.') ? 'Alert' : 'Proposal'}</dt>
                  <dd>
                    <code>{entry.refId}</code>{' '}
                    {entry.kind.startsWith('alert.') ? (
                      <Link to="/alerts" search={{}}>
                        Alerts
                      </Link>
                    ) : (
                      <Link to="/proposals" search={{}}>
                        Proposals
                      </Link>
                    )}
                  </dd>
                </>
              )}
              <dt>Log position</dt>
              <dd>{entry.sequence}</dd>
            </dl>
          </>
        )}
      </div>
    </li>
  );
}
