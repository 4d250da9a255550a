import * as Tabs from '@radix-ui/react-tabs';
import { CodeBlock } from '../../ui/code-block';

/** What stands for the secret until it is revealed: the shape of one, plainly not one. */
export const SECRET_PLACEHOLDER = 'whsec_…';

/**
 * How a receiver checks that a delivery came from Daalu (docs/outbound.md, "Signing"), ready to copy:
 * openssl against X-Daalu-Signature (hex HMAC-SHA256 of the raw body, keyed with the whole secret
 * text), and the Standard Webhooks libraries for Node and Python against webhook-signature (which
 * also rejects replays, from the signed webhook-timestamp). The secret is filled in once revealed;
 * until then a placeholder stands for it.
 */
export function VerifySnippets({ secret }: { secret: string | null }) {
  const shown = secret ?? SECRET_PLACEHOLDER;
  return (
    <div className="verify-snippets">
      <p className="help">
        Verify each delivery on your receiver{secret ? '' : ' (Reveal fills in the secret)'}: over the raw body, before
        parsing it. Deduplicate on <code>webhook-id</code>: it stays the same across retries and redeliveries.
      </p>
      <Tabs.Root defaultValue="node">
        <Tabs.List className="tabs-list" aria-label="Verify a delivery with">
          <Tabs.Trigger value="openssl">openssl</Tabs.Trigger>
          <Tabs.Trigger value="node">Node.js</Tabs.Trigger>
          <Tabs.Trigger value="python">Python</Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content value="openssl">
          <CodeBlock code={opensslSnippet(shown)} label="Verify with openssl" testId="verify-openssl" />
        </Tabs.Content>
        <Tabs.Content value="node">
          <CodeBlock code={nodeSnippet(shown)} label="Verify with Node.js" testId="verify-node" />
        </Tabs.Content>
        <Tabs.Content value="python">
          <CodeBlock code={pythonSnippet(shown)} label="Verify with Python" testId="verify-python" />
        </Tabs.Content>
      </Tabs.Root>
    </div>
  );
}

/** A shell receiver: BODY is the raw body, SIGNATURE its X-Daalu-Signature header. */
export function opensslSnippet(secret: string): string {
  return `# BODY: the request body exactly as received; SIGNATURE: its X-Daalu-Signature header
SECRET='${secret}'
EXPECTED=$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET" | awk '{print $NF}')
if [ "$EXPECTED" = "$SIGNATURE" ]; then echo verified; else echo 'signature mismatch'; fi`;
}

/** A whole Node.js receiver with the standardwebhooks package. */
export function nodeSnippet(secret: string): string {
  return `// npm install standardwebhooks
const http = require('node:http');
const { Webhook } = require('standardwebhooks');

const webhook = new Webhook('${secret}');

http
  .createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      try {
        // Checks webhook-signature over webhook-id, webhook-timestamp and the raw body.
        const event = webhook.verify(body, req.headers);
        console.log('verified', req.headers['webhook-id'], event.type);
        res.writeHead(204).end();
      } catch (error) {
        console.log('rejected:', error.message);
        res.writeHead(400).end();
      }
    });
  })
  .listen(process.env.PORT ?? 3000);`;
}

/** The check in Python with the standardwebhooks package, for any web framework. */
export function pythonSnippet(secret: string): string {
  return `# pip install standardwebhooks
from standardwebhooks import Webhook

webhook = Webhook("${secret}")

def verified_event(body: bytes, headers: dict) -> dict:
    # Checks webhook-signature over webhook-id, webhook-timestamp and the raw body;
    # raises if it does not match or is too old.
    return webhook.verify(body, headers)`;
}
