import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { isWellFormedToken } from '@daalu/ingest/domain';
import { INGEST_OPTIONS, type IngestOptions } from '../shared/ingest-options';
import { problem, ProblemException } from '../shared/problem';
import { CredentialDirectory } from './credential-directory';

/** The tenant an authenticated management request acts for. */
export interface TenantRequest extends FastifyRequest {
  tenantId?: string;
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

const unauthorized = () =>
  new ProblemException(
    problem(401, 'unauthorized', 'Unauthorized', 'a valid token is required in Authorization: Bearer <token>'),
    { 'WWW-Authenticate': 'Bearer' },
  );

/** Operator endpoints: Authorization: Bearer <DAALU_OPERATOR_TOKEN>. */
@Injectable()
export class OperatorGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(INGEST_OPTIONS) options: IngestOptions) {
    this.expected = Buffer.from(options.operatorTokenHash, 'hex');
  }

  canActivate(context: ExecutionContext): boolean {
    const token = bearer(context.switchToHttp().getRequest<FastifyRequest>()) ?? '';
    const actual = createHash('sha256').update(token).digest();
    if (!timingSafeEqual(actual, this.expected)) throw unauthorized();
    return true;
  }
}

/** Tenant endpoints: Authorization: Bearer <tenant API token>; sets request.tenantId. */
@Injectable()
export class TenantGuard implements CanActivate {
  constructor(private readonly directory: CredentialDirectory) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<TenantRequest>();
    const token = bearer(request) ?? '';
    const tenantId = isWellFormedToken('api-token', token) ? this.directory.tenantForApiToken(token) : null;
    if (!tenantId) throw unauthorized();
    request.tenantId = tenantId;
    return true;
  }
}
