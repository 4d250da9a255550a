const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}$/;

/**
 * Builds a delivery body from a webhook's template (the page's "open a Jira ticket" pattern): every
 * string in `fields` has its `{{path}}` placeholders filled from the delivery's data (`{{summary}}`,
 * `{{payload.service}}`, `{{alert.ruleName}}`…). A string that is one placeholder alone takes the
 * value as it is (a number stays a number, an object an object); inside text, values become text.
 * Text replacement only: nothing is evaluated. A missing value is empty (or null, alone).
 */
export function renderTemplate(fields: unknown, data: Record<string, unknown>): unknown {
  if (typeof fields === 'string') {
    const whole = WHOLE.exec(fields);
    if (whole) return valueAt(data, whole[1]) ?? null;
    return fields.replace(PLACEHOLDER, (_, path: string) => {
      const value = valueAt(data, path);
      if (value === undefined || value === null) return '';
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
    });
  }
  if (Array.isArray(fields)) return fields.map((item) => renderTemplate(item, data));
  if (fields !== null && typeof fields === 'object') {
    return Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, renderTemplate(value, data)]));
  }
  return fields;
}

/** Own properties only, along a dotted path: `__proto__` and friends lead nowhere. */
function valueAt(data: unknown, path: string): unknown {
  let value: unknown = data;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, key))
      return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
