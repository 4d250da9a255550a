/** What the ingest front door learned about a request, kept for its inbound history. */
export interface IngestContext {
  tenantId: string;
  keyPrefix: string;
  startedAt: number;
  receivedAt: Date;
  rawBody?: string;
  response?: { status: number; headers: Record<string, string>; body: string };
}
