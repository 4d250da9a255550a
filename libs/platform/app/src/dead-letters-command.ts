import { streamNamesFor, subjectsFor } from '@daalu/contracts';
import type { PlatformConfig } from '@daalu/platform/config';
import { DeadLetters, NatsClient } from '@daalu/platform/jetstream';
import type { Logger } from '@daalu/platform/observability';

const USAGE = `usage: main.js dead-letters list [consumer] [--limit N]
       main.js dead-letters show <seq>
       main.js dead-letters replay <seq>     (after a fix: the consumer that set it aside applies it again)
       main.js dead-letters discard <seq>`;

/**
 * `node main.js dead-letters …`: what consumers set aside (a message they could not apply, with the
 * reason), listed, shown whole, replayed after a fix, or discarded. Output goes to stdout, one letter a line.
 */
export async function deadLettersCommand(config: PlatformConfig, logger: Logger, args: string[]): Promise<number> {
  const [action = 'list', ...rest] = args;
  const client = await NatsClient.connect({ servers: config.NATS_URL, name: 'dead-letters', logger });
  const letters = new DeadLetters(client, streamNamesFor(config.DAALU_NAMESPACE), subjectsFor(config.DAALU_NAMESPACE));
  const out = (line: string) => process.stdout.write(`${line}\n`);
  try {
    switch (action) {
      case 'list': {
        const limitAt = rest.indexOf('--limit');
        const limit = limitAt === -1 ? 100 : Number(rest[limitAt + 1]);
        const consumer = rest.find((arg, i) => !arg.startsWith('--') && rest[i - 1] !== '--limit');
        const found = await letters.list(consumer, limit);
        for (const { seq, letter } of found)
          out(
            `${seq}\t${letter.consumer}\t${letter.stream}#${letter.streamSequence}\t${letter.subject}\t${letter.recordedAt}\t${letter.reason}`,
          );
        process.stderr.write(`${found.length} dead letter(s)${consumer ? ` of ${consumer}` : ''}\n`);
        return 0;
      }
      case 'show': {
        const { letter } = await letters.get(sequence(rest[0]));
        const data = Buffer.from(letter.dataBase64, 'base64').toString('utf8');
        out(JSON.stringify({ ...letter, dataBase64: undefined, data }, null, 2));
        return 0;
      }
      case 'replay': {
        const seq = sequence(rest[0]);
        const replayedAs = await letters.replay(seq);
        out(`dead letter ${seq} replayed: on the log again at sequence ${replayedAs}`);
        return 0;
      }
      case 'discard': {
        const seq = sequence(rest[0]);
        await letters.discard(seq);
        out(`dead letter ${seq} discarded`);
        return 0;
      }
      default:
        process.stderr.write(`${USAGE}\n`);
        return 2;
    }
  } finally {
    await client.drain();
  }
}

function sequence(value: string | undefined): number {
  const seq = Number(value);
  if (!Number.isInteger(seq) || seq < 1)
    throw new Error(`a dead letter's sequence (a positive integer) is needed\n${USAGE}`);
  return seq;
}
