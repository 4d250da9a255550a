import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { BatchDto, DeliverySettingsDto, TemplateDto, TriggerDto } from './webhook.dto';

/** The answers of /api/v1/webhooks, as the API reference shows them. */

const SECRET = {
  description: 'The signing secret (Standard Webhooks: `whsec_` and base64)',
  pattern: '^whsec_[A-Za-z0-9+/]+=*$',
  example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw7Q2i0aUlLqM=',
};

@ApiSchema({ name: 'WebhookSecretInfo', description: 'A signing secret, by id and expiry only' })
export class WebhookSecretInfoView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'date-time' })
  issuedAt: string;

  @ApiProperty({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'When a rotated-out secret stops signing; null for the current one',
  })
  expiresAt: string | null;
}

const NULLABLE_TIME = { type: 'string', format: 'date-time', nullable: true } as const;
const NULLABLE_RATE = { type: 'number', minimum: 0, maximum: 1, nullable: true } as const;

@ApiSchema({
  name: 'WebhookHealth',
  description:
    'How the receiver is doing, from the attempts recorded: `failing` once a delivery ended failed, until the next success; `disabled` when its owner or Daalu disabled it (after failing for days, or a 410 Gone)',
})
export class WebhookHealthView {
  @ApiProperty({ enum: ['healthy', 'failing', 'disabled'] })
  state: 'healthy' | 'failing' | 'disabled';

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Failed attempts since the last success' })
  consecutiveFailures: number;

  @ApiProperty(NULLABLE_TIME)
  lastSuccessAt: string | null;

  @ApiProperty(NULLABLE_TIME)
  lastFailureAt: string | null;

  @ApiProperty({ type: 'string', nullable: true, example: 'HTTP 503' })
  lastError: string | null;

  @ApiProperty({ type: 'integer', nullable: true, description: 'The last answer’s status code' })
  lastStatus: number | null;

  @ApiProperty({ ...NULLABLE_TIME, description: 'The first failed attempt since the last success' })
  failingSince: string | null;

  @ApiProperty({ type: 'string', nullable: true, example: 'the receiver answered 410 Gone' })
  disabledReason: string | null;

  @ApiProperty(NULLABLE_TIME)
  disabledAt: string | null;

  @ApiProperty({ ...NULLABLE_RATE, description: 'Delivered attempts over all attempts in the last hour' })
  successRate1h: number | null;

  @ApiProperty({ ...NULLABLE_RATE, description: 'The same over the last 24 hours' })
  successRate24h: number | null;

  @ApiProperty({ type: 'integer', nullable: true, description: 'Median attempt duration (the latest 1,000 of 24 h)' })
  p50Ms: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  p99Ms: number | null;
}

@ApiSchema({ name: 'Webhook' })
export class WebhookView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'integer', minimum: 1, description: '1 when created, then +1 on every change' })
  version: number;

  @ApiProperty({ example: 'https://hooks.acme.example/daalu' })
  url: string;

  @ApiProperty({ example: 'Ops channel' })
  description: string;

  @ApiProperty({ type: () => TriggerDto })
  trigger: TriggerDto;

  @ApiProperty()
  enabled: boolean;

  @ApiPropertyOptional({ type: () => TemplateDto })
  template?: TemplateDto;

  @ApiPropertyOptional({ type: () => BatchDto })
  batch?: BatchDto;

  @ApiPropertyOptional({ type: () => DeliverySettingsDto })
  delivery?: DeliverySettingsDto;

  @ApiPropertyOptional({ description: 'Why Daalu disabled it; gone once its owner saves it again' })
  disabledReason?: string;

  @ApiProperty({ type: () => WebhookHealthView })
  health: WebhookHealthView;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', enum: ['••••••'] },
    description: 'The custom headers’ names; their values are never shown',
    example: { Authorization: '••••••' },
  })
  headers: Record<string, string>;

  @ApiProperty({ type: () => [WebhookSecretInfoView], description: 'Newest first' })
  secrets: WebhookSecretInfoView[];

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

@ApiSchema({ name: 'CreatedWebhook', description: 'The webhook, with its signing secret: shown this once' })
export class CreatedWebhookView extends WebhookView {
  @ApiProperty(SECRET)
  secret: string;
}

@ApiSchema({ name: 'WebhookPage' })
export class WebhookPageView {
  @ApiProperty({ type: () => [WebhookView] })
  items: WebhookView[];

  @ApiProperty({ type: 'string', nullable: true, description: 'Always null: one page holds every webhook' })
  nextCursor: string | null;
}

@ApiSchema({ name: 'RevealedSecret' })
export class RevealedSecretView {
  @ApiProperty(SECRET)
  secret: string;

  @ApiProperty({ format: 'uuid' })
  secretId: string;

  @ApiProperty({ description: 'Who asked, as the log records it', example: 'deploy bot (dat_7fQ2…)' })
  revealedTo: string;
}

@ApiSchema({ name: 'RotatedSecret' })
export class RotatedSecretView {
  @ApiProperty({ ...SECRET, description: 'The new signing secret, shown this once' })
  secret: string;

  @ApiProperty({ format: 'date-time', description: 'Until then deliveries are signed with the previous secret too' })
  previousExpiresAt: string;
}
