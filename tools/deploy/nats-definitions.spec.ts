import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { natsDefinitionFiles } from './nats-definitions';

describe('deploy/nats', () => {
  it('matches the definitions the apps provision (run `npm run deploy:nats` after changing them)', () => {
    for (const [name, content] of Object.entries(natsDefinitionFiles())) {
      expect(readFileSync(join(__dirname, '..', '..', 'deploy', 'nats', name), 'utf8')).toBe(content);
    }
  });
});
