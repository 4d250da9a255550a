/**
 * `npm run openapi`: writes docs/openapi.json, the public API's OpenAPI document, from the code; then
 * libs/client/src/openapi.d.ts, the typed client's types, from that document.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CLIENT_TYPES_PATH, clientTypes, OPENAPI_PATH } from './client-types';
import { buildOpenApiDocument, serialize } from './openapi-document';

async function main(): Promise<void> {
  const root = resolve(__dirname, '..', '..', '..');
  const document = join(root, OPENAPI_PATH);
  writeFileSync(document, serialize(await buildOpenApiDocument()));
  process.stdout.write(`wrote ${document}\n`);
  const types = join(root, CLIENT_TYPES_PATH);
  writeFileSync(types, clientTypes(root));
  process.stdout.write(`wrote ${types}\n`);
}

void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
