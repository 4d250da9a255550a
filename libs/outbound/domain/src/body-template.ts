const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}$/;

/**
 * The most a rendered body may weigh: 1 MiB of serialized JSON, the inbound limit (what an event may
 * weigh when it arrives). A template repeating `{{payload}}` could otherwise turn one event into a
 * POST of hundreds of megabytes.
 */
export const MAX_RENDERED_BYTES = 1_048_576;

/**
 * What a saved template may be (checked when the webhook is saved, where the bound is known):
 *  - `maxJsonChars`: its `fields` as JSON text, at most;
 *  - `maxPlaceholders`: `{{…}}` placeholders in all its strings together, at most (each is a lookup
 *    and a copy of a value at every delivery);
 *  - `maxDepth`: objects and arrays nested in `fields`, at most (the render walks them recursively).
 * What a template renders to depends on the fact, so the output is bounded at delivery instead
 * (`MAX_RENDERED_BYTES`).
 */
export const TEMPLATE_LIMITS = {
  maxJsonChars: 20_000,
  maxPlaceholders: 500,
  maxDepth: 32,
} as const;

/** A render stopped because its output went over its budget. */
export class RenderTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`rendered body is over ${formatBytes(limitBytes)}`);
    this.name = 'RenderTooLargeError';
  }
}

/**
 * Bytes of serialized JSON a render may still produce. One budget can be shared by several renders
 * (the elements of a batch's array); it throws as soon as it is overdrawn, so a render never builds
 * more than the budget and one value before it stops.
 */
export class RenderBudget {
  private used = 0;

  constructor(readonly limitBytes: number = MAX_RENDERED_BYTES) {}

  get usedBytes(): number {
    return this.used;
  }

  spend(bytes: number): void {
    this.used += bytes;
    if (this.used > this.limitBytes) throw new RenderTooLargeError(this.limitBytes);
  }
}

/**
 * Builds a delivery body from a webhook's template (to open a Jira ticket, say): every
 * string in `fields` has its `{{path}}` placeholders filled from the delivery's data (`{{summary}}`,
 * `{{payload.service}}`, `{{alert.ruleName}}`…). A string that is one placeholder alone takes the
 * value as it is (a number stays a number, an object an object); inside text, values become text.
 * Text replacement only: nothing is evaluated. A missing value is empty (or null, alone).
 *
 * What it builds is counted as it is built, in bytes of the JSON it serializes to (an upper bound:
 * exact but for a surrogate pair split across two pieces of one string, counted as two escapes), and
 * the render throws `RenderTooLargeError` as soon as `budget` is overdrawn.
 */
export function renderTemplate(
  fields: unknown,
  data: Record<string, unknown>,
  budget: RenderBudget = new RenderBudget(),
): unknown {
  return new Renderer(data, budget).render(fields);
}

class Renderer {
  /** Serialized size of each whole-value placeholder's value (a value repeated is measured once). */
  private readonly sizes = new Map<string, number>();

  constructor(
    private readonly data: Record<string, unknown>,
    private readonly budget: RenderBudget,
  ) {}

  render(fields: unknown): unknown {
    if (typeof fields === 'string') return this.text(fields);
    if (Array.isArray(fields)) {
      this.budget.spend(2 + Math.max(0, fields.length - 1)); // brackets and commas
      return fields.map((item) => this.render(item));
    }
    if (fields !== null && typeof fields === 'object') {
      const entries = Object.entries(fields);
      this.budget.spend(2 + Math.max(0, entries.length - 1)); // braces and commas
      return Object.fromEntries(
        entries.map(([key, value]) => {
          this.budget.spend(jsonStringBytes(key) + 1); // the key and its colon
          return [key, this.render(value)];
        }),
      );
    }
    this.budget.spend(Buffer.byteLength(JSON.stringify(fields) ?? 'null'));
    return fields;
  }

  private text(fields: string): unknown {
    const whole = WHOLE.exec(fields);
    if (whole) {
      const path = whole[1];
      const value = valueAt(this.data, path) ?? null;
      let size = this.sizes.get(path);
      if (size === undefined) {
        size = Buffer.byteLength(JSON.stringify(value) ?? 'null');
        this.sizes.set(path, size);
      }
      this.budget.spend(size);
      return value;
    }
    // Piece by piece, each counted before the next is added: a string never grows past the budget.
    this.budget.spend(2); // the quotes
    const parts: string[] = [];
    let from = 0;
    for (const match of fields.matchAll(PLACEHOLDER)) {
      this.piece(parts, fields.slice(from, match.index));
      const value = valueAt(this.data, match[1]);
      if (value !== undefined && value !== null)
        this.piece(parts, typeof value === 'object' ? JSON.stringify(value) : String(value));
      from = match.index + match[0].length;
    }
    this.piece(parts, fields.slice(from));
    return parts.join('');
  }

  private piece(parts: string[], piece: string): void {
    if (piece === '') return;
    this.budget.spend(jsonStringBytes(piece) - 2);
    parts.push(piece);
  }
}

/** Bytes of a string serialized as JSON, quotes included. */
function jsonStringBytes(value: string): number {
  return Buffer.byteLength(JSON.stringify(value));
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

/** Why a template's `fields` cannot be saved (one reason per limit it breaks), or an empty list. */
export function templateProblems(fields: unknown): string[] {
  const json = JSON.stringify(fields) ?? '';
  if (json.length > TEMPLATE_LIMITS.maxJsonChars)
    return [`must be at most ${TEMPLATE_LIMITS.maxJsonChars.toLocaleString('en')} characters of JSON`];
  let placeholders = 0;
  let deepest = 0;
  // Iterative: nesting is what is being measured, so it must not overflow the stack first.
  const stack: Array<[unknown, number]> = [[fields, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item === 'string') placeholders += item.match(PLACEHOLDER)?.length ?? 0;
    else if (item !== null && typeof item === 'object') {
      deepest = Math.max(deepest, depth + 1);
      for (const value of Object.values(item)) stack.push([value, depth + 1]);
    }
  }
  const problems: string[] = [];
  if (deepest > TEMPLATE_LIMITS.maxDepth)
    problems.push(`must nest objects and arrays at most ${TEMPLATE_LIMITS.maxDepth} deep`);
  if (placeholders > TEMPLATE_LIMITS.maxPlaceholders)
    problems.push(`must have at most ${TEMPLATE_LIMITS.maxPlaceholders} {{…}} placeholders (it has ${placeholders})`);
  return problems;
}

/** `1 MiB`, `4 MiB`, `512 KiB`, `100 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1_048_576 && bytes % 1_048_576 === 0) return `${bytes / 1_048_576} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
