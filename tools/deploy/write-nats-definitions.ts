/** `npm run deploy:nats`: writes deploy/nats/ from the stream definitions in libs/contracts. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { natsDefinitionFiles } from './nats-definitions';

const target = resolve(__dirname, '..', '..', '..', 'deploy', 'nats');
for (const [name, content] of Object.entries(natsDefinitionFiles())) {
  const path = join(target, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  process.stdout.write(`wrote ${path}\n`);
}
