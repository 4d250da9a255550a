// Prints Daalu's alerts as they fire and resolve, from a durable JetStream consumer of its own.
// Plain nats.js: copy it into your service and replace printAlert with what you do with an alert.
import { connect } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
// Daalu's namespace (DAALU_NAMESPACE): it names the subjects and the streams.
const NAMESPACE = process.env.DAALU_NAMESPACE ?? 'daalu';
const STREAM = `${NAMESPACE.toUpperCase().replace(/-/g, '_')}_EVENTS`;
const SUBJECT = `${NAMESPACE}.alerts.*`;
// One durable per reading service: it remembers what was acknowledged across restarts.
const DURABLE = process.env.CONSUMER_NAME ?? 'alerts-consumer-example';
// Where a new durable starts: `all` (every alert still on the stream, then new ones) or `new`.
const DELIVER = process.env.DELIVER === 'new' ? DeliverPolicy.New : DeliverPolicy.All;

const nc = await connect({ servers: NATS_URL, name: DURABLE });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);

// Bind to the durable when it exists, else create it: filtered to alerts, every message acknowledged.
const existing = await jsm.consumers.info(STREAM, DURABLE).catch((error) => {
  if (/consumer not found/i.test(error.message)) return null;
  throw error;
});
if (!existing) {
  await jsm.consumers.add(STREAM, {
    durable_name: DURABLE,
    filter_subject: SUBJECT,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DELIVER,
    ack_wait: 30_000_000_000, // 30 s in nanoseconds: unacknowledged, a message comes again
    max_deliver: -1,
  });
}
const consumer = await js.consumers.get(STREAM, DURABLE);
const messages = await consumer.consume({ max_messages: 100 });
console.log(`reading ${SUBJECT} from ${STREAM} on ${NATS_URL} as ${DURABLE} (Ctrl-C to stop)`);

// Ctrl-C: stop taking messages, then drain (pending acknowledgements are sent before the connection closes).
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => messages.stop());

for await (const msg of messages) {
  // A replayed dead letter is a copy, for one Daalu consumer, of a message already on the log: not for us.
  if (msg.headers?.has('Daalu-Replay-For')) {
    msg.ack();
    continue;
  }
  const kind = msg.headers?.get('Daalu-Kind');
  if (kind === 'alert.fired' || kind === 'alert.resolved') {
    let alert;
    try {
      alert = msg.json();
    } catch (error) {
      // Never expected from Daalu; terminated so that it is not delivered again and again.
      console.error(`stream sequence ${msg.seq}: not JSON (${error.message}); skipped`);
      msg.term();
      continue;
    }
    printAlert(kind, alert);
  }
  // Any other kind (a newer Daalu may add some) is stepped over. Acknowledged once handled, not before.
  msg.ack();
}

await messages.close();
await nc.drain();
console.log('stopped');

/** An alert per docs/schemas/alert.fired.json and alert.resolved.json. */
function printAlert(kind, alert) {
  const when = kind === 'alert.fired' ? alert.firedAt : alert.resolvedAt;
  const how = kind === 'alert.resolved' ? ` (${alert.reason})` : '';
  console.log(
    `${when} ${kind}${how} tenant=${alert.tenantId} rule="${alert.ruleName}" ` +
      `severity=${alert.severity} summary="${alert.summary}" alert=${alert.alertId}`,
  );
}
