import type { InputHTMLAttributes } from 'react';

/** `2026-11-27T15:30:00` in this browser's time zone, as a datetime-local input takes it. */
export function localInputValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

/** An ISO 8601 time as a Date, or null when it is empty or not a time. */
export function dateOf(value: string | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** What a time field says under it: the UTC time kept, or the text as given when it is not a time. */
export function timeHelp(value: string, empty = 'Any time'): string {
  const date = dateOf(value);
  return !value ? empty : date ? `UTC ${date.toISOString()}` : `As given: ${value}`;
}

/**
 * A time picked in local time (datetime-local) and kept as ISO 8601 UTC (`value`, `onChange`). A value
 * the input cannot show (milliseconds, or text from a hand-made link) shows empty and is kept as given
 * until edited.
 */
export function LocalDateTimeInput({
  value,
  onChange,
  ...attrs
}: { value: string; onChange: (iso: string) => void } & Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'value' | 'onChange' | 'type'
>) {
  const date = dateOf(value);
  return (
    <input
      {...attrs}
      type="datetime-local"
      step={1}
      value={date ? localInputValue(date) : ''}
      onChange={(e) => onChange(e.target.value ? new Date(e.target.value).toISOString() : '')}
    />
  );
}
