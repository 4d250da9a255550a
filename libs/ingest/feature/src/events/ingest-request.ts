import type { FastifyRequest } from 'fastify';

/** What the ingest hooks learned about a request before its handler ran. */
export interface IngestContext {
  tenantId: string;
  keyPrefix: string;
  startedAt: number;
  receivedAt: Date;
  rawBody?: string;
  response?: { status: number; headers: Record<string, string>; body: string };
}

export interface IngestRequest extends FastifyRequest {
  ingest: IngestContext | null;
}
