/**
 * The curl commands the console shows, correct when pasted into a shell as shown: JSON bodies with
 * their Content-Type (without it curl sends a form body, and the API answers 415), and secrets read
 * from shell variables the page names, never written into the command.
 */

/** The example event of every "send your first event" snippet. */
const EXAMPLE_EVENT = '{"type":"deploy.started","source":"ci","summary":"Deploy started"}';

/**
 * Sends one event to `endpoint`, with the ingest key from $DAALU_KEY (the key itself is never shown:
 * Daalu keeps only its hash).
 */
export function sendEventCurl(endpoint: string): string {
  return [
    `curl -X POST ${shellQuote(endpoint)}`,
    `  -H "X-Daalu-Key: $DAALU_KEY"`,
    `  -H 'Content-Type: application/json'`,
    `  -d '${EXAMPLE_EVENT}'`,
  ].join(' \\\n');
}

/** Proposes a change through the API of `origin`, with an API token from $DAALU_TOKEN. */
export function proposeCurl(origin: string): string {
  return [
    `curl -X POST ${shellQuote(`${origin}/api/v1/proposals`)}`,
    `  -H "Authorization: Bearer $DAALU_TOKEN"`,
    `  -H 'Content-Type: application/json'`,
    `  -d '{"kind":"scale","title":"scale api to 6","payload":{"service":"api","replicas":6}}'`,
  ].join(' \\\n');
}

/** A shell word in single quotes. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
