import { Client } from 'pg';
import { databaseUrl } from './util';

export function benchDatabaseUrl(name: string): { admin: string; bench: string } {
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const bench = new URL(databaseUrl);
  bench.pathname = `/${name}`;
  return { admin: admin.toString(), bench: bench.toString() };
}

export async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
