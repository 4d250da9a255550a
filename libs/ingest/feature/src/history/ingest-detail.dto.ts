import { ApiProperty, ApiSchema } from '@nestjs/swagger';

/** The answers of GET /api/v1/ingest, as the API reference shows them (docs/openapi.json). */

@ApiSchema({ name: 'RecordedIngestRequest' })
export class RecordedRequestView {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'The request headers, the ingest key redacted',
    example: { 'content-type': 'application/json', 'x-daalu-key': 'dik_7fQ2…' },
  })
  headers: Record<string, string>;

  @ApiProperty({ description: 'The body as received, cut at a few KiB' })
  body: string;

  @ApiProperty({ description: 'Whether the body was cut' })
  truncated: boolean;
}

@ApiSchema({ name: 'RecordedIngestResponse' })
export class RecordedResponseView {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { 'content-type': 'application/json; charset=utf-8' },
  })
  headers: Record<string, string>;

  @ApiProperty({
    description: 'The JSON the gateway answered (its text, cut, when it was longer than a few KiB)',
    anyOf: [{ type: 'object' }, { type: 'array' }, { type: 'string' }],
  })
  body: unknown;

  @ApiProperty({ required: false, description: 'Whether the body was cut' })
  truncated?: boolean;
}

@ApiSchema({ name: 'InboundRequest' })
export class InboundRequestView {
  @ApiProperty({ description: 'Its place in the history', example: '1024' })
  id: string;

  @ApiProperty({ format: 'date-time' })
  receivedAt: string;

  @ApiProperty({ example: 'POST' })
  method: string;

  @ApiProperty({ example: '/api/v1/events' })
  path: string;

  @ApiProperty({ type: 'integer', example: 202 })
  status: number;

  @ApiProperty({ example: 3.2 })
  durationMs: number;

  @ApiProperty({ type: [String], format: 'uuid', description: 'The events it stored' })
  eventIds: string[];

  @ApiProperty({ type: () => RecordedRequestView })
  request: RecordedRequestView;

  @ApiProperty({ type: () => RecordedResponseView })
  response: RecordedResponseView;
}

@ApiSchema({ name: 'IngestKeyShown' })
export class IngestKeyShownView {
  @ApiProperty({ description: 'Its prefix: the key itself is shown only when it is issued', example: 'dik_3kTq' })
  masked: string;

  @ApiProperty({ format: 'date-time' })
  issuedAt: string;
}

@ApiSchema({ name: 'RateLimit' })
export class RateLimitView {
  @ApiProperty({ example: 10 })
  perSecond: number;

  @ApiProperty({ type: 'integer', example: 10 })
  burst: number;
}

@ApiSchema({ name: 'SuppressedRequests' })
export class SuppressedRequestsView {
  @ApiProperty({ type: 'integer', example: 429 })
  status: number;

  @ApiProperty({ type: 'integer', example: 50000 })
  count: number;

  @ApiProperty({ format: 'date-time', description: 'The first of them' })
  from: string;

  @ApiProperty({ format: 'date-time', description: 'The last of them' })
  to: string;
}

@ApiSchema({ name: 'IngestDetail' })
export class IngestDetailView {
  @ApiProperty({ description: 'Where to POST events', example: 'https://daalu.example.com/api/v1/events' })
  endpoint: string;

  @ApiProperty({ type: () => IngestKeyShownView, nullable: true })
  ingestKey: IngestKeyShownView | null;

  @ApiProperty({ type: () => RateLimitView })
  rateLimit: RateLimitView;

  @ApiProperty({ type: () => InboundRequestView, nullable: true })
  lastRequest: InboundRequestView | null;

  @ApiProperty({ type: () => [InboundRequestView], description: 'The latest 100, newest first' })
  requests: InboundRequestView[];

  @ApiProperty({
    type: () => [SuppressedRequestsView],
    description: 'Rejected requests counted but not stored, per status, over the span the page shows',
  })
  suppressed: SuppressedRequestsView[];
}
