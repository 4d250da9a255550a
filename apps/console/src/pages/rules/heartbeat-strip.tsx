import { formatRelative } from '../../ui/relative-time';
import { formatDurationMs, type CheckPing } from './api';

const KIND_WORDS: Record<CheckPing['kind'], string> = {
  success: 'Success',
  fail: 'Failure',
  start: 'Start',
};
const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/**
 * A check's last pings as a row of squares, oldest first: success green and filled, failure red and
 * striped, a run's start grey and hollow (told apart by shape too, not colour only). Each says what it
 * was, when, and how long the run took, on hover (`title`) and to screen readers.
 */
export function HeartbeatStrip({ pings, of }: { pings: CheckPing[]; of: string }) {
  if (pings.length === 0) return <span className="help">No pings yet</span>;
  const failures = pings.filter((p) => p.kind === 'fail').length;
  return (
    <ol
      className="ping-strip"
      aria-label={`Last ${pings.length} pings of ${of}, oldest first: ${failures} ${failures === 1 ? 'failure' : 'failures'}`}
    >
      {pings.map((ping, i) => {
        const at = new Date(ping.at);
        const took = ping.durationMs !== null ? `, took ${formatDurationMs(ping.durationMs)}` : '';
        const words = `${KIND_WORDS[ping.kind]} ${formatRelative(at)}${took}`;
        return (
          <li key={`${ping.at}-${i}`} className={`ping ping-${ping.kind}`} title={`${words} (${absolute.format(at)})`}>
            <span className="visually-hidden">{words}</span>
          </li>
        );
      })}
    </ol>
  );
}
