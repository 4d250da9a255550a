import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiPropertyOptional,
  ApiSchema,
  ApiTags,
} from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { invalidFields, validateBody } from '@daalu/platform/http';
import {
  Actor,
  API_TOKEN_SCOPES,
  RequireScope,
  Tenant,
  TenantGuard,
  type ApiTokenScope,
} from '@daalu/platform/tenancy';
import { ApiTokensService } from './api-tokens.service';

/** Tokens expire at most this far ahead (10 years): a date past it is a typo. */
const MAX_LIFETIME_MS = 10 * 365 * 24 * 3600 * 1000;

@ApiSchema({ name: 'CreateApiToken' })
export class CreateApiTokenDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'deploy bot' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  // Printable text only: the name is shown in records of who did what.
  @Matches(/^[^\p{Cc}\p{Cs}]+$/u, { message: 'name must not contain control characters' })
  name: string;

  @ApiProperty({
    type: [String],
    enum: API_TOKEN_SCOPES,
    description:
      'read (timeline, alerts, history), write (every change), admin (tokens, keys, secrets); each includes the ones before it',
    example: ['write'],
  })
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @IsIn(API_TOKEN_SCOPES, { each: true, message: `each scope must be one of ${API_TOKEN_SCOPES.join(', ')}` })
  scopes: ApiTokenScope[];

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the token stops working on its own (future, within 10 years); absent or null: never',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'expiresAt must be an RFC 3339 date-time' })
  expiresAt?: string | null;
}

@ApiSchema({ name: 'ApiToken' })
export class ApiTokenView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'deploy bot' })
  name: string;

  @ApiProperty({ example: 'dat_7fQ2…', description: 'What may be shown of the token' })
  prefix: string;

  @ApiProperty({ type: [String], enum: API_TOKEN_SCOPES, example: ['write'] })
  scopes: ApiTokenScope[];

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, nullable: true, example: 'initial (dat_Ab3x…)', description: 'Who issued it' })
  createdBy: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Accurate to a minute' })
  lastUsedAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  expiresAt: string | null;
}

@ApiSchema({ name: 'CreatedApiToken' })
export class CreatedApiTokenView extends ApiTokenView {
  @ApiProperty({
    description: 'The token (Authorization: Bearer), shown this once',
    pattern: '^dat_[0-9A-Za-z]{49}$',
    example: 'dat_7fQ2mX8pL1nR4sT6vW9yZ0aB3cD5eF7gH9iJ1kM3oP5qR7uV2b',
  })
  token: string;
}

@ApiSchema({ name: 'ApiTokenList' })
export class ApiTokenListView {
  @ApiProperty({ type: [ApiTokenView] })
  items: ApiTokenView[];
}

/** Tenant API: its API tokens (Settings → API tokens). Every route needs the admin scope. */
@ApiTags('API tokens')
@ApiBearerAuth('tenantToken')
@Controller('api/v1/api-tokens')
@UseGuards(TenantGuard)
@RequireScope('admin')
@ApiForbiddenResponse({ description: 'The token lacks the admin scope' })
export class ApiTokensController {
  constructor(private readonly tokens: ApiTokensService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an API token', description: 'The token is in this answer only.' })
  @ApiBody({ type: CreateApiTokenDto })
  @ApiCreatedResponse({ type: CreatedApiTokenView })
  @ApiConflictResponse({ description: 'Changed concurrently (retry), or the tenant has 100 tokens' })
  async create(@Tenant() tenantId: string, @Actor() actor: string, @Body() body: unknown) {
    const dto = await validateBody(CreateApiTokenDto, body, { forbidUnknownFields: true });
    if (dto.expiresAt) {
      const at = Date.parse(dto.expiresAt);
      if (!(at > Date.now() && at < Date.now() + MAX_LIFETIME_MS))
        throw invalidFields('invalid-body', 'Invalid body', [
          { field: 'expiresAt', message: 'expiresAt must be in the future and within 10 years' },
        ]);
      dto.expiresAt = new Date(at).toISOString();
    }
    return this.tokens.issue(tenantId, actor, dto);
  }

  @Get()
  @ApiOperation({ summary: 'List the API tokens', description: 'Revoked tokens are not listed.' })
  @ApiOkResponse({ type: ApiTokenListView })
  async list(@Tenant() tenantId: string) {
    return { items: await this.tokens.list(tenantId) };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Revoke an API token',
    description: 'Refused by every app from the moment each applies the revocation (well within a second).',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiNotFoundResponse({ description: 'No such token' })
  @ApiConflictResponse({ description: "The tenant's last admin token, or changed concurrently" })
  async revoke(
    @Tenant() tenantId: string,
    @Actor() actor: string,
    @Param('id', new ParseUUIDPipe()) tokenId: string,
  ): Promise<void> {
    await this.tokens.revoke(tenantId, tokenId, actor);
  }
}
