/** The API's shapes the console reads (see docs/*.md for each endpoint). */

export type Severity = 'info' | 'warning' | 'critical';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
