import { randomBytes } from 'node:crypto';
import { DEFAULT_DATABASE_URL, DEFAULT_NATS_URL } from '@daalu/dev/local-services';

/** The PostgreSQL server tests use: DATABASE_URL (set by the jest global setup when it started one). */
export function baseDatabaseUrl(): string {
  return process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
}

export function baseNatsUrl(): string {
  return process.env.NATS_URL || DEFAULT_NATS_URL;
}

/** A short random suffix: suites name their databases and NATS namespaces with it, so none collide. */
export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}
