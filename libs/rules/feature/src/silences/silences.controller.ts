import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { invalidFields, QueryReader, validateBody, type FieldError, type RawQuery } from '@daalu/platform/http';
import { Actor, Tenant, TenantGuard } from '@daalu/platform/tenancy';
import { payloadConditionProblems } from '@daalu/shared/conditions';
import { toPayloadConditionSpecs } from '@daalu/shared/conditions/dto';
import { CreateSilenceDto, SilenceListView, SilenceView } from './silence.dto';
import { SilencesService } from './silences.service';

/** A silence lasts at most this long: the log it is decided from keeps 30 days by default. */
const MAX_SILENCE_MS = 30 * 86_400_000;
const STATES = ['pending', 'active', 'expired'] as const;

/** Silences: alerts still fire and show, but webhooks are told only when the silence ends. */
@ApiTags('Alerts')
@ApiBearerAuth('tenantToken')
@Controller('api/v1/silences')
@UseGuards(TenantGuard)
export class SilencesController {
  constructor(private readonly silences: SilencesService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Silence alerts',
    description:
      'Alerts firing from startsAt until endsAt that match every given matcher still fire and show on the ' +
      'timeline, marked silenced; webhooks are told when the silence ends, if they still fire.',
  })
  @ApiBody({ type: CreateSilenceDto })
  @ApiCreatedResponse({ type: SilenceView })
  async create(@Tenant() tenantId: string, @Actor() actor: string, @Body() body: unknown) {
    const dto = await validateBody(CreateSilenceDto, body, { forbidUnknownFields: true });
    const now = Date.now();
    const startsAt = dto.startsAt ? Date.parse(dto.startsAt) : now;
    const endsAt = Date.parse(dto.endsAt);
    const errors: FieldError[] = [...payloadConditionProblems(dto.matchers.payload, 'matchers.payload')];
    if (!(endsAt > startsAt)) errors.push({ field: 'endsAt', message: 'endsAt must be after startsAt' });
    else if (endsAt - startsAt > MAX_SILENCE_MS)
      errors.push({ field: 'endsAt', message: 'a silence lasts at most 30 days' });
    if (endsAt <= now) errors.push({ field: 'endsAt', message: 'endsAt must be in the future' });
    if (errors.length > 0) throw invalidFields('invalid-body', 'Invalid body', errors);
    const m = dto.matchers;
    return this.silences.create(tenantId, actor, {
      matchers: {
        ...(m.ruleId !== undefined ? { ruleId: m.ruleId.toLowerCase() } : {}),
        ...(m.severity !== undefined ? { severity: m.severity } : {}),
        ...(m.groupKey !== undefined ? { groupKey: m.groupKey } : {}),
        ...(m.payload ? { payload: toPayloadConditionSpecs(m.payload) } : {}),
      },
      startsAt: new Date(startsAt).toISOString(),
      endsAt: new Date(endsAt).toISOString(),
      comment: dto.comment ?? '',
    });
  }

  @Get()
  @ApiOperation({ summary: 'The silences', description: 'Latest end first. An unknown parameter is a 400.' })
  @ApiQuery({ name: 'state', required: false, enum: STATES })
  @ApiOkResponse({ type: SilenceListView })
  async list(@Tenant() tenantId: string, @Query() query: RawQuery) {
    const reader = new QueryReader(query, ['state']);
    const state = reader.one('state');
    if (state !== undefined && !(STATES as readonly string[]).includes(state))
      reader.fail('state', `must be one of ${STATES.join(', ')}`);
    reader.done();
    return { items: await this.silences.list(tenantId, state as SilenceView['state'] | undefined) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One silence' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: SilenceView })
  @ApiNotFoundResponse({ description: 'No such silence' })
  get(@Tenant() tenantId: string, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.silences.get(tenantId, id.toLowerCase());
  }

  @Post(':id/expire')
  @HttpCode(200)
  @ApiOperation({
    summary: 'End a silence now',
    description: 'Alerts it still covers and that still fire are delivered now. Ending an ended one changes nothing.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: SilenceView })
  @ApiNotFoundResponse({ description: 'No such silence' })
  expire(@Tenant() tenantId: string, @Actor() actor: string, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.silences.expire(tenantId, id.toLowerCase(), actor);
  }
}
