import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

/** Thrown at start-up when the environment is invalid; names every offending variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the environment into a typed, validated config object, once, at start-up. Only properties the
 * class declares with @Expose are read; class property initialisers are the defaults.
 */
export function loadConfig<T extends object>(configClass: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const config = plainToInstance(configClass, present, {
    excludeExtraneousValues: true,
    exposeDefaultValues: true,
    enableImplicitConversion: true,
  });
  const errors = validateSync(config, { forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new ConfigError(errors.flatMap((error) => describe(error, present)));
  }
  return config;
}

function describe(error: ValidationError, env: Record<string, unknown>): string[] {
  const value = env[error.property];
  const shown = value === undefined ? 'unset' : `"${String(value).slice(0, 60)}"`;
  return Object.values(error.constraints ?? {}).map((reason) => `${error.property} (${shown}): ${reason}`);
}
