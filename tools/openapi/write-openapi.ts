/** `npm run openapi`: writes docs/openapi.json, the public API's OpenAPI document, from the code. */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildOpenApiDocument, serialize } from './openapi-document';

async function main(): Promise<void> {
  const target = resolve(__dirname, '..', '..', '..', 'docs', 'openapi.json');
  writeFileSync(target, serialize(await buildOpenApiDocument()));
  process.stdout.write(`wrote ${target}\n`);
}

void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
