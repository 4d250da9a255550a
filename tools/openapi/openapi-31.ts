/**
 * @nestjs/swagger writes OpenAPI 3.0 schemas; the document is OpenAPI 3.1, whose schemas are JSON Schema
 * 2020-12. The one 3.0-only keyword it emits here is `nullable`, turned into its 3.1 spelling: a `null`
 * added to `type` (and to `enum`), or, for a reference, `anyOf: [that, {type: 'null'}]`.
 */
export function toJsonSchema2020(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toJsonSchema2020);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[key] = toJsonSchema2020(inner);
  if (out.nullable !== true) {
    if (out.nullable === false) delete out.nullable;
    return out;
  }
  delete out.nullable;
  if (out.$ref !== undefined || out.allOf !== undefined) {
    const { description, example, examples, ...rest } = out;
    delete rest.type;
    const reference =
      rest.allOf && Object.keys(rest).length === 1 && (rest.allOf as unknown[]).length === 1
        ? (rest.allOf as unknown[])[0]
        : rest;
    return {
      ...(description !== undefined ? { description } : {}),
      ...(example !== undefined ? { example } : {}),
      ...(examples !== undefined ? { examples } : {}),
      anyOf: [reference, { type: 'null' }],
    };
  }
  if (typeof out.type === 'string') out.type = [out.type, 'null'];
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  return out;
}
