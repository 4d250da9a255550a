const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "24 hours", "3 minutes": how long from now until `at`, rounded, in words. */
export function durationWords(at: string | number, now = Date.now()): string {
  const ms = Math.max(0, (typeof at === 'number' ? at : Date.parse(at)) - now);
  const hours = Math.round(ms / 3_600_000);
  if (hours >= 1) return hours === 1 ? '1 hour' : `${hours} hours`;
  const minutes = Math.max(1, Math.round(ms / 60_000));
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/** "for 24 hours, until 3 Mar 2026, 10:00": how long something still holds, then when it ends. */
export function ForUntil({ at }: { at: string | number }) {
  const date = new Date(at);
  return (
    <>
      for {durationWords(date.getTime())}, until <time dateTime={date.toISOString()}>{absolute.format(date)}</time>
    </>
  );
}
