import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Req,
  UseGuards,
} from '@nestjs/common';
import { invalidFields, validateBody } from '@daalu/platform/http';
import { TenantGuard, type TenantRequest } from '@daalu/platform/tenancy';
import { toWebhookSpec, webhookProblems, WebhookDto } from './webhook.dto';
import { WebhookDirectory, type StoredWebhook } from './webhook-directory';
import { webhookNotFound, WebhooksService } from './webhooks.service';

/** `/api/v1/webhooks`: outbound webhooks. The signing secret is shown at creation and rotation only, or on an audited reveal. */
@Controller('api/v1/webhooks')
@UseGuards(TenantGuard)
export class WebhooksController {
  constructor(
    private readonly directory: WebhookDirectory,
    private readonly webhooks: WebhooksService,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Req() request: TenantRequest, @Body() body: unknown) {
    const { spec, headers } = await validWebhook(body);
    const created = await this.webhooks.create(request.tenantId!, spec, headers ?? {});
    return { ...view(created.webhook), secret: created.secret };
  }

  @Get()
  list(@Req() request: TenantRequest) {
    return { items: this.directory.list(request.tenantId!).map(view), nextCursor: null };
  }

  @Get(':id')
  get(@Req() request: TenantRequest, @Param('id', new ParseUUIDPipe()) id: string) {
    const webhook = this.directory.get(request.tenantId!, id);
    if (!webhook) throw webhookNotFound();
    return view(webhook);
  }

  /** Replaces the webhook; without `headers` the custom headers stay as they are (their values are never shown). */
  @Put(':id')
  async replace(@Req() request: TenantRequest, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: unknown) {
    const { spec, headers } = await validWebhook(body);
    return view(await this.webhooks.replace(request.tenantId!, id, spec, headers));
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Req() request: TenantRequest, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.webhooks.delete(request.tenantId!, id);
  }

  /** Reveals the current signing secret; who asked is recorded on the log. */
  @Get(':id/secret')
  async secret(@Req() request: TenantRequest, @Param('id', new ParseUUIDPipe()) id: string) {
    const { secret, secretId } = await this.webhooks.reveal(request.tenantId!, id, request.actor!);
    return { secret, secretId, revealedTo: request.actor };
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  async rotate(@Req() request: TenantRequest, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.webhooks.rotate(request.tenantId!, id);
  }
}

async function validWebhook(body: unknown) {
  const dto = await validateBody(WebhookDto, body, { forbidUnknownFields: true });
  const problems = webhookProblems(dto);
  if (problems.length > 0) throw invalidFields('invalid-body', 'Invalid body', problems);
  return { spec: toWebhookSpec(dto), headers: dto.headers as Record<string, string> | undefined };
}

/** A webhook as the API shows it: header values masked, secrets only by id and expiry. */
function view(webhook: StoredWebhook) {
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
  };
}
