import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { problem, ProblemException } from '@daalu/platform/http';
import { ApiTokenDirectory } from './api-token-directory';
import { isWellFormedToken } from '@daalu/contracts';

/** The tenant an authenticated request acts for (set by TenantGuard). */
export interface TenantRequest extends FastifyRequest {
  tenantId?: string;
  /** Who is calling, as records show it: `api token dat_7fQ2…`. */
  actor?: string;
}

/** The token of `Authorization: Bearer <token>`, if any. */
export function bearerToken(request: { headers: FastifyRequest['headers'] }): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

export const unauthorized = () =>
  new ProblemException(
    problem(401, 'unauthorized', 'Unauthorized', 'a valid token is required in Authorization: Bearer <token>'),
    { 'WWW-Authenticate': 'Bearer' },
  );

/** Right after a start the token may be one not loaded yet: a 503 to retry, not a 401 to give up on. */
export const stillLoading = () =>
  new ProblemException(
    problem(503, 'starting', 'Service unavailable', 'this service is still loading its API tokens; retry'),
    { 'Retry-After': '1' },
  );

/** Tenant endpoints: Authorization: Bearer <tenant API token>; sets request.tenantId. */
@Injectable()
export class TenantGuard implements CanActivate {
  constructor(private readonly directory: ApiTokenDirectory) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<TenantRequest>();
    const token = bearerToken(request) ?? '';
    const principal = isWellFormedToken('api-token', token) ? this.directory.principalForApiToken(token) : null;
    if (!principal) throw this.directory.caughtUp ? unauthorized() : stillLoading();
    request.tenantId = principal.tenantId;
    request.actor = `api token ${principal.tokenPrefix}`;
    return true;
  }

  /** The caller's tenant, or null: for handlers outside Nest's guards (a raw route, a stream). */
  tenantOf(request: { headers: FastifyRequest['headers'] }): string | null {
    const token = bearerToken(request) ?? '';
    return isWellFormedToken('api-token', token) ? this.directory.tenantForApiToken(token) : null;
  }
}
