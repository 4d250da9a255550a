import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { forgetHealth, readHealth, resetHealth, type HealthView } from '@daalu/outbound/data-access';
import { invalidFields, validateBody } from '@daalu/platform/http';
import { Actor, RequireScope, Tenant, TenantGuard } from '@daalu/platform/tenancy';
import { toWebhookSpec, webhookProblems, WebhookDto } from './webhook.dto';
import { WebhookDirectory, type StoredWebhook } from './webhook-directory';
import {
  CreatedWebhookView,
  RevealedSecretView,
  RotatedSecretView,
  WebhookPageView,
  WebhookView,
} from './webhook-view.dto';
import { webhookNotFound, WebhooksService } from './webhooks.service';

const WEBHOOK_ID = { name: 'id', format: 'uuid', description: 'The webhook' };

/** `/api/v1/webhooks`: outbound webhooks. The signing secret is shown at creation and rotation only, or on an audited reveal. */
@ApiTags('Webhooks')
@ApiBearerAuth('tenantToken')
@Controller('api/v1/webhooks')
@UseGuards(TenantGuard)
export class WebhooksController {
  constructor(
    private readonly directory: WebhookDirectory,
    private readonly webhooks: WebhooksService,
    private readonly dataSource: DataSource,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an outbound webhook', description: 'Its signing secret is in this answer.' })
  @ApiBody({ type: WebhookDto })
  @ApiCreatedResponse({ type: CreatedWebhookView })
  async create(@Tenant() tenantId: string, @Actor() actor: string, @Body() body: unknown) {
    const { spec, headers } = await validWebhook(body);
    const created = await this.webhooks.create(tenantId, spec, headers ?? {}, actor);
    return { ...view(created.webhook, undefined), secret: created.secret };
  }

  @Get()
  @ApiOperation({ summary: 'The outbound webhooks' })
  @ApiOkResponse({ type: WebhookPageView })
  async list(@Tenant() tenantId: string) {
    const webhooks = this.directory.list(tenantId);
    const health = await readHealth(
      this.dataSource,
      tenantId,
      webhooks.map((webhook) => webhook.id),
    );
    return { items: webhooks.map((webhook) => view(webhook, health.get(webhook.id))), nextCursor: null };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One outbound webhook' })
  @ApiParam(WEBHOOK_ID)
  @ApiOkResponse({ type: WebhookView })
  @ApiNotFoundResponse({ description: 'No such webhook' })
  async get(@Tenant() tenantId: string, @Param('id', new ParseUUIDPipe()) id: string) {
    const webhook = this.directory.get(tenantId, id);
    if (!webhook) throw webhookNotFound();
    return this.viewWithHealth(tenantId, webhook);
  }

  private async viewWithHealth(tenantId: string, webhook: StoredWebhook) {
    const health = await readHealth(this.dataSource, tenantId, [webhook.id]);
    return view(webhook, health.get(webhook.id));
  }

  /** Replaces the webhook; without `headers` the custom headers stay as they are (their values are never shown). */
  @Put(':id')
  @ApiOperation({
    summary: 'Replace an outbound webhook',
    description: 'Without `headers`, the custom headers stay as they are.',
  })
  @ApiParam(WEBHOOK_ID)
  @ApiBody({ type: WebhookDto })
  @ApiOkResponse({ type: WebhookView })
  @ApiNotFoundResponse({ description: 'No such webhook' })
  @ApiConflictResponse({ description: 'The webhook changed meanwhile; read it and retry' })
  async replace(
    @Tenant() tenantId: string,
    @Actor() actor: string,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: unknown,
  ) {
    const { spec, headers } = await validWebhook(body);
    const replaced = await this.webhooks.replace(tenantId, id, spec, headers, actor);
    // Enabled by its owner after Daalu disabled it: it starts healthy again (its failures are history).
    if (spec.enabled) await resetHealth(this.dataSource, id);
    return this.viewWithHealth(tenantId, replaced);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an outbound webhook' })
  @ApiParam(WEBHOOK_ID)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ description: 'No such webhook' })
  async delete(
    @Tenant() tenantId: string,
    @Actor() actor: string,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<void> {
    await this.webhooks.delete(tenantId, id, actor);
    await forgetHealth(this.dataSource, id);
  }

  /** Reveals the current signing secret; who asked is recorded on the log. */
  @Get(':id/secret')
  @RequireScope('admin')
  @ApiOperation({ summary: 'Reveal the signing secret', description: 'Who asked is recorded on the log.' })
  @ApiParam(WEBHOOK_ID)
  @ApiOkResponse({ type: RevealedSecretView })
  @ApiNotFoundResponse({ description: 'No such webhook' })
  async secret(@Tenant() tenantId: string, @Actor() actor: string, @Param('id', new ParseUUIDPipe()) id: string) {
    const { secret, secretId } = await this.webhooks.reveal(tenantId, id, actor);
    return { secret, secretId, revealedTo: actor };
  }

  @Post(':id/rotate-secret')
  @RequireScope('admin')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rotate the signing secret',
    description: 'A new secret, shown once; deliveries are signed with both until previousExpiresAt.',
  })
  @ApiParam(WEBHOOK_ID)
  @ApiOkResponse({ type: RotatedSecretView })
  @ApiNotFoundResponse({ description: 'No such webhook' })
  @ApiConflictResponse({ description: 'The webhook changed meanwhile; retry' })
  async rotate(@Tenant() tenantId: string, @Actor() actor: string, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.webhooks.rotate(tenantId, id, actor);
  }
}

async function validWebhook(body: unknown) {
  const dto = await validateBody(WebhookDto, body, { forbidUnknownFields: true });
  const problems = webhookProblems(dto);
  if (problems.length > 0) throw invalidFields('invalid-body', 'Invalid body', problems);
  return { spec: toWebhookSpec(dto), headers: dto.headers as Record<string, string> | undefined };
}

/** A webhook as the API shows it: header values masked, secrets only by id and expiry, its health. */
function view(webhook: StoredWebhook, health: HealthView | undefined) {
  return {
    id: webhook.id,
    version: webhook.version,
    ...webhook.spec,
    headers: Object.fromEntries(Object.keys(webhook.sealedHeaders).map((name) => [name, '••••••'])),
    secrets: webhook.secrets.map((secret) => ({
      id: secret.id,
      issuedAt: secret.issuedAt,
      expiresAt: secret.expiresAt === null ? null : new Date(secret.expiresAt).toISOString(),
    })),
    createdAt: webhook.createdAt,
    updatedAt: webhook.updatedAt,
    health: healthOf(webhook, health),
  };
}

/** A disabled webhook is `disabled` whatever its attempts say, with why (Daalu's reason, or its owner's choice). */
function healthOf(webhook: StoredWebhook, health: HealthView | undefined): HealthView {
  const known = health ?? emptyHealth();
  if (webhook.spec.enabled) return known;
  return {
    ...known,
    state: 'disabled',
    disabledReason: webhook.spec.disabledReason ?? known.disabledReason ?? 'disabled by its owner',
  };
}

function emptyHealth(): HealthView {
  return {
    state: 'healthy',
    consecutiveFailures: 0,
    lastSuccessAt: null,
    lastFailureAt: null,
    lastError: null,
    lastStatus: null,
    failingSince: null,
    disabledReason: null,
    disabledAt: null,
    successRate1h: null,
    successRate24h: null,
    p50Ms: null,
    p99Ms: null,
  };
}
