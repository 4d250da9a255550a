import { streamDefinitions } from '@daalu/contracts';
import { toStreamConfig } from '@daalu/platform/jetstream';

/**
 * The stream definitions operators apply with the nats CLI (`nats stream add --config <file>`),
 * generated from the same code the apps provision from, for the default namespace.
 */
export function natsDefinitionFiles(namespace = 'daalu', replicas = 1): Record<string, string> {
  const files: Record<string, string> = {};
  for (const definition of streamDefinitions(namespace)) {
    files[`streams/${definition.name}.json`] = `${JSON.stringify(toStreamConfig(definition, replicas), null, 2)}\n`;
  }
  return files;
}
