/** The example event of every "send your first event" snippet. */
const EXAMPLE_EVENT = '{"type":"deploy.started","source":"ci","summary":"Deploy started"}';

/**
 * A curl that sends one event to `endpoint`, correct as shown: JSON with its Content-Type (without it
 * curl sends a form body, and the API answers 415), and the ingest key read from $DAALU_KEY. The key
 * itself is never shown (Daalu keeps only its hash), so the shell variable stands for it.
 */
export function sendEventCurl(endpoint: string): string {
  return [
    `curl -X POST ${shellQuote(endpoint)}`,
    `  -H "X-Daalu-Key: $DAALU_KEY"`,
    `  -H 'Content-Type: application/json'`,
    `  -d '${EXAMPLE_EVENT}'`,
  ].join(' \\\n');
}

/** A shell word in single quotes. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
