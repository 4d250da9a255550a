import { Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { DeliveryRequestedCodec, type Subjects } from '@daalu/contracts';
import { encodeCursor, problem, ProblemException } from '@daalu/platform/http';
import { JetStreamPublisher, SUBJECTS } from '@daalu/platform/jetstream';
import { Tenant, TenantGuard } from '@daalu/platform/tenancy';
import { deliveryChart, findDeliveries, findDelivery, reopenDelivery } from '@daalu/outbound/data-access';
import { deliveryIdOf } from '@daalu/outbound/domain';
import { WebhookDirectory } from '../webhooks/webhook-directory';
import { webhookNotFound } from '../webhooks/webhooks.service';
import { RedeliveryView, TestDeliveryView, WebhookDeliveriesView, WebhookStatsView } from './delivery.dto';
import { parseHistoryQuery } from './history-query';

/** The chart's bucket: an hour (24 bars for the day). */
const CHART_BUCKET_MINUTES = 60;

/** The fact kind of a delivery asked for with `POST /api/v1/webhooks/:id/test`. */
export const WEBHOOK_TEST_KIND = 'webhook.test';

/** The webhook detail page's history (filters, a cursor), its chart, redeliver, and a test event. */
@ApiTags('Webhooks')
@ApiBearerAuth('tenantToken')
@Controller('api/v1')
@UseGuards(TenantGuard)
export class DeliveriesController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: WebhookDirectory,
    private readonly publisher: JetStreamPublisher,
    @Inject(SUBJECTS) private readonly subjects: Subjects,
  ) {}

  @Get('webhooks/:id/deliveries')
  @ApiOperation({
    summary: 'A webhook’s deliveries',
    description:
      'Newest first, each with every attempt: the latest 100 by default; filters and a cursor reach any delivery of the last 30 days.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The webhook' })
  @ApiQuery({
    name: 'status',
    required: false,
    description: 'Comma-separated: pending, delivered, failed, skipped',
    example: 'failed,skipped',
  })
  @ApiQuery({
    name: 'type',
    required: false,
    description: 'The fact’s type; `*` is any run of characters',
    example: 'deploy.*',
  })
  @ApiQuery({ name: 'since', required: false, description: 'Created at or after (ISO 8601)' })
  @ApiQuery({ name: 'until', required: false, description: 'Created before (ISO 8601)' })
  @ApiQuery({ name: 'eventId', required: false, description: 'The fact’s id (an event’s id)' })
  @ApiQuery({ name: 'cursor', required: false, description: 'The previous page’s nextCursor' })
  @ApiQuery({ name: 'limit', required: false, description: '1–100 (100)' })
  @ApiOkResponse({ type: WebhookDeliveriesView })
  @ApiBadRequestResponse({ description: 'A parameter is wrong; `errors` names it' })
  @ApiNotFoundResponse({ description: 'No such webhook' })
  async deliveries(
    @Tenant() tenantId: string,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: Record<string, string | string[] | undefined>,
  ) {
    if (!this.directory.get(tenantId, id)) throw webhookNotFound();
    const filter = parseHistoryQuery(query);
    const { items, next } = await findDeliveries(this.dataSource, tenantId, id, filter);
    return {
      items,
      lastDelivery: items[0] ?? null,
      nextCursor: next ? encodeCursor({ at: next.createdAt, id: next.id }) : null,
    };
  }

  @Get('webhooks/:id/stats')
  @ApiOperation({
    summary: 'A webhook’s attempts over the last 24 hours',
    description:
      'Per hour (hours without attempts left out), delivered and failed, and upper bounds of the answered attempts’ p50 and p99 latency, read from per-minute latency counts (never from the attempts themselves).',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The webhook' })
  @ApiOkResponse({ type: WebhookStatsView })
  @ApiNotFoundResponse({ description: 'No such webhook' })
  async stats(@Tenant() tenantId: string, @Param('id', new ParseUUIDPipe()) id: string) {
    if (!this.directory.get(tenantId, id)) throw webhookNotFound();
    return {
      bucketMinutes: CHART_BUCKET_MINUTES,
      buckets: await deliveryChart(this.dataSource, id, CHART_BUCKET_MINUTES),
    };
  }

  /** Sends a delivery again (a new retry window), with the same `webhook-id`. */
  @Post('deliveries/:id/redeliver')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send a delivery again',
    description: 'A new retry window, with the same `webhook-id`.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The delivery' })
  @ApiAcceptedResponse({ type: RedeliveryView })
  @ApiNotFoundResponse({ description: 'No such delivery' })
  async redeliver(@Tenant() tenantId: string, @Param('id', new ParseUUIDPipe()) id: string) {
    const delivery = await findDelivery(this.dataSource, tenantId, id);
    if (!delivery) throw new ProblemException(problem(404, 'not-found', 'Not found', 'no such delivery'));
    await reopenDelivery(this.dataSource, id);
    const messageId = uuidv7(); // a new message (its own Nats-Msg-Id) for the same delivery
    await this.publisher.publish(this.subjects.delivery(tenantId), DeliveryRequestedCodec, {
      schemaVersion: 1,
      kind: 'delivery.requested',
      id: messageId,
      tenantId,
      correlationId: id,
      causationId: null,
      deliveryId: id,
      webhookId: delivery.webhookId,
      factKind: delivery.factKind,
      factId: delivery.factId,
      fact: delivery.fact,
      requestedAt: new Date().toISOString(),
    });
    return { id, state: 'pending' };
  }

  /**
   * Sends the webhook a synthetic `webhook.test` fact, whatever its trigger says, through the normal
   * DELIVERIES path: signed, retried, and in the history like any delivery. A fresh fact each time.
   */
  @Post('webhooks/:id/test')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send a test event',
    description:
      'A `webhook.test` fact, whatever the trigger says: signed, retried and in the history like any delivery.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The webhook' })
  @ApiAcceptedResponse({ type: TestDeliveryView })
  @ApiNotFoundResponse({ description: 'No such webhook' })
  @ApiConflictResponse({ description: 'The webhook is disabled' })
  async test(@Tenant() tenantId: string, @Param('id', new ParseUUIDPipe()) id: string) {
    const webhook = this.directory.get(tenantId, id);
    if (!webhook) throw webhookNotFound();
    if (!webhook.spec.enabled) {
      // The worker drops deliveries of a disabled webhook: say so instead of accepting one that never goes.
      throw new ProblemException(
        problem(409, 'conflict', 'Conflict', 'the webhook is disabled; enable it to send a test event'),
      );
    }
    const factId = uuidv7();
    const deliveryId = deliveryIdOf(id, factId);
    const occurredAt = new Date().toISOString();
    await this.publisher.publish(this.subjects.delivery(tenantId), DeliveryRequestedCodec, {
      schemaVersion: 1,
      kind: 'delivery.requested',
      id: deliveryId,
      tenantId,
      correlationId: factId,
      causationId: null,
      deliveryId,
      webhookId: id,
      factKind: WEBHOOK_TEST_KIND,
      factId,
      fact: {
        id: factId,
        kind: WEBHOOK_TEST_KIND,
        tenantId,
        webhookId: id,
        occurredAt,
        summary: 'Test event from Daalu',
      },
      requestedAt: occurredAt,
    });
    return { deliveryId };
  }
}
