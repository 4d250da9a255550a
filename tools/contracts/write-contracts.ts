/** `npm run contracts`: writes docs/asyncapi.yaml and docs/schemas/ from the message contracts in libs/contracts. */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { contractFiles } from './contract-files';

const docs = resolve(__dirname, '..', '..', '..', 'docs');
const files = contractFiles();
// A kind that is gone must not leave its schema behind.
for (const name of existingSchemas()) {
  if (files[`schemas/${name}`] === undefined) {
    rmSync(join(docs, 'schemas', name));
    process.stdout.write(`removed ${join(docs, 'schemas', name)}\n`);
  }
}
for (const [name, content] of Object.entries(files)) {
  const path = join(docs, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  process.stdout.write(`wrote ${path}\n`);
}

function existingSchemas(): string[] {
  try {
    return readdirSync(join(docs, 'schemas')).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
}
