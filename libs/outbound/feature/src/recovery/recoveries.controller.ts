import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { invalidFields, problem, ProblemException, validateBody } from '@daalu/platform/http';
import { parseTimestamp } from '@daalu/shared/text';
import { Tenant, TenantGuard } from '@daalu/platform/tenancy';
import { recoveryProgress, startRecovery } from '@daalu/outbound/data-access';
import { WebhookDirectory } from '../webhooks/webhook-directory';
import { webhookNotFound } from '../webhooks/webhooks.service';
import { RECOVERABLE_STATES, RecoveryDto, RecoveryStartedView, RecoveryView } from './recovery.dto';

/** Deliveries one recovery asks for again at most (about 33 minutes at 50/s); `more` says when some were left. */
const MAX_PER_RECOVERY = 100_000;

const WEBHOOK_ID = { name: 'id', format: 'uuid', description: 'The webhook' };

/**
 * Recover in bulk: after an outage longer than the retry window, every failed (or skipped) delivery
 * since a time is sent again, each with its own `webhook-id` (receivers deduplicate), at the webhook's
 * rate. Asking twice sends each delivery once: the first recovery claims them (recoveries.ts).
 */
@ApiTags('Webhooks')
@ApiBearerAuth('tenantToken')
@Controller('api/v1/webhooks/:id')
@UseGuards(TenantGuard)
export class RecoveriesController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: WebhookDirectory,
  ) {}

  @Post('recover')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send again every failed delivery since a time',
    description:
      'Each with its original `webhook-id`, at the webhook’s rate (50/s). The same recovery asked twice sends each delivery once.',
  })
  @ApiParam(WEBHOOK_ID)
  @ApiBody({ type: RecoveryDto })
  @ApiAcceptedResponse({ type: RecoveryStartedView })
  @ApiBadRequestResponse({ description: '`since` or `status` is wrong; `errors` names it' })
  @ApiNotFoundResponse({ description: 'No such webhook' })
  @ApiConflictResponse({ description: 'The webhook is disabled: enable it first' })
  async recover(@Tenant() tenantId: string, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: unknown) {
    const webhook = this.directory.get(tenantId, id);
    if (!webhook) throw webhookNotFound();
    const dto = await validateBody(RecoveryDto, body, { forbidUnknownFields: true });
    const since = parseTimestamp(dto.since);
    if (typeof since === 'string')
      throw invalidFields('invalid-body', 'Invalid body', [{ field: 'since', message: since }]);
    if (!webhook.spec.enabled) {
      throw new ProblemException(
        problem(
          409,
          'conflict',
          'Conflict',
          'the webhook is disabled: its deliveries would be skipped again; enable it first',
        ),
      );
    }
    const recoveryId = uuidv7();
    const { total, more } = await startRecovery(
      this.dataSource,
      {
        recoveryId,
        tenantId,
        webhookId: id,
        since: since.toISOString(),
        statuses: [...new Set(dto.status ?? RECOVERABLE_STATES)],
      },
      MAX_PER_RECOVERY,
    );
    return { id: recoveryId, total, more };
  }

  @Get('recoveries/:recoveryId')
  @ApiOperation({ summary: 'A recovery’s progress' })
  @ApiParam(WEBHOOK_ID)
  @ApiParam({ name: 'recoveryId', format: 'uuid' })
  @ApiOkResponse({ type: RecoveryView })
  @ApiNotFoundResponse({ description: 'No such recovery of this webhook' })
  async progress(
    @Tenant() tenantId: string,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('recoveryId', new ParseUUIDPipe()) recoveryId: string,
  ) {
    const found = await recoveryProgress(this.dataSource, tenantId, id, recoveryId);
    if (!found) throw new ProblemException(problem(404, 'not-found', 'Not found', 'no such recovery'));
    return found;
  }
}
