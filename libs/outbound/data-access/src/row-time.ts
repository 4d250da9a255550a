/** A timestamp column as the API shows it (ISO 8601, UTC), or null when the column is. */
export function isoOrNull(value: unknown): string | null {
  return value ? new Date(value as string).toISOString() : null;
}
