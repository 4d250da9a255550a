import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLIENT_TYPES_PATH, clientTypes } from './client-types';

const root = join(__dirname, '..', '..');

describe(CLIENT_TYPES_PATH, () => {
  it('holds the types of docs/openapi.json (run `npm run openapi` after the document changed)', () => {
    expect(readFileSync(join(root, CLIENT_TYPES_PATH), 'utf8')).toBe(clientTypes(root));
  });
});
