import { sanitizeText, truncateUnits, truncateWithEllipsis } from '@daalu/shared/text';
import { fieldOf, type EventView } from './event-view';

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;
const MAX_VALUE_LENGTH = 200;
const MAX_SUMMARY_LENGTH = 1024;

/**
 * Fills an alert summary template from the event that fired it: `{{payload.host}}`, `{{type}}`,
 * `{{module}}`, `{{source}}`, `{{severity}}`, `{{summary}}`, and `{{count}}` (matches so far). Text
 * replacement only: nothing is evaluated. A placeholder with no value becomes empty; objects are JSON.
 * Always text PostgreSQL can store: values are cut on character boundaries (never through an emoji's
 * surrogate pair), and a NUL or lone surrogate in a value (the edge refuses them) becomes U+FFFD.
 */
export function renderSummary(template: string, event: EventView, count = 1): string {
  const rendered = template.replace(PLACEHOLDER, (_, name: string) => {
    const value = name === 'count' ? count : fieldOf(event, name);
    if (value === undefined || value === null) return '';
    const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
    // Cut before sanitizing: a surrogate pair the cut splits is dropped whole, not turned into U+FFFD.
    return sanitizeText(text.length > MAX_VALUE_LENGTH ? `${truncateUnits(text, MAX_VALUE_LENGTH)}…` : text);
  });
  return sanitizeText(truncateWithEllipsis(rendered, MAX_SUMMARY_LENGTH));
}

/** The placeholders a template uses that no event can fill (for validation: a typo is a 400). */
export function unknownPlaceholders(template: string): string[] {
  const unknown: string[] = [];
  for (const [, name] of template.matchAll(PLACEHOLDER)) {
    const known =
      ['count', 'type', 'module', 'source', 'severity', 'summary'].includes(name) ||
      /^payload\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(name);
    if (!known) unknown.push(name);
  }
  return unknown;
}
