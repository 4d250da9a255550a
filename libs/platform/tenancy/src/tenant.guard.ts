import { Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { problem, ProblemException } from '@daalu/platform/http';
import { ApiTokenDirectory, type ApiTokenEntry } from './api-token-directory';
import { isWellFormedToken } from '@daalu/contracts';
import { REQUIRED_SCOPE, scopeAllows, scopeForMethod, type ApiTokenScope } from './scopes';
import { TokenUsage } from './token-usage';

/** The tenant an authenticated request acts for (set by TenantGuard). */
export interface TenantRequest extends FastifyRequest {
  tenantId?: string;
  /** Who is calling, as records show it: `deploy bot (dat_7fQ2…)`. */
  actor?: string;
  /** The API token the request came with. */
  apiToken?: ApiTokenEntry;
}

/** The token of `Authorization: Bearer <token>`, if any. */
export function bearerToken(request: { headers: FastifyRequest['headers'] }): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

/** How a token shows in records: its name and its prefix. */
export function actorOf(token: Pick<ApiTokenEntry, 'name' | 'prefix'>): string {
  return `${token.name} (${token.prefix})`;
}

export const unauthorized = (detail = 'a valid token is required in Authorization: Bearer <token>') =>
  new ProblemException(problem(401, 'unauthorized', 'Unauthorized', detail), { 'WWW-Authenticate': 'Bearer' });

/** Right after a start the token may be one not loaded yet: a 503 to retry, not a 401 to give up on. */
export const stillLoading = () =>
  new ProblemException(
    problem(503, 'starting', 'Service unavailable', 'this service is still loading its API tokens; retry'),
    { 'Retry-After': '1' },
  );

export const tenantSuspended = (what: string) =>
  new ProblemException(
    problem(
      403,
      'tenant-suspended',
      'Forbidden',
      `the tenant is suspended: its ${what} are refused until it is resumed`,
    ),
  );

const insufficientScope = (required: ApiTokenScope, token: ApiTokenEntry) =>
  new ProblemException(
    problem(
      403,
      'insufficient-scope',
      'Forbidden',
      `this needs an API token with the ${required} scope; ${actorOf(token)} has ${token.scopes.join(', ')}`,
      { requiredScope: required },
    ),
    { 'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${required}"` },
  );

/**
 * Tenant endpoints: `Authorization: Bearer <tenant API token>`, with the scope the route needs (its
 * method's, or `@RequireScope`). Sets request.tenantId, request.actor and request.apiToken.
 */
@Injectable()
export class TenantGuard implements CanActivate {
  constructor(
    private readonly directory: ApiTokenDirectory,
    private readonly reflector: Reflector,
    @Optional() private readonly usage?: TokenUsage,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<TenantRequest>();
    const required =
      this.reflector.getAllAndOverride<ApiTokenScope | undefined>(REQUIRED_SCOPE, [
        context.getHandler(),
        context.getClass(),
      ]) ?? scopeForMethod(request.method);
    const token = this.authenticate(request);
    if (!scopeAllows(token.scopes, required)) throw insufficientScope(required, token);
    request.tenantId = token.tenantId;
    request.actor = actorOf(token);
    request.apiToken = token;
    return true;
  }

  /** The accepted token of the request, or the problem that refuses it. */
  private authenticate(request: TenantRequest): ApiTokenEntry {
    const token = bearerToken(request) ?? '';
    if (!isWellFormedToken('api-token', token)) throw unauthorized();
    const resolution = this.directory.resolve(token);
    if (resolution.ok) {
      this.usage?.note(resolution.token.tokenId);
      return resolution.token;
    }
    if (resolution.reason === 'suspended') throw tenantSuspended('API tokens');
    if (resolution.reason === 'expired') throw unauthorized(`the API token ${resolution.token!.prefix} has expired`);
    throw this.directory.caughtUp ? unauthorized() : stillLoading();
  }
}
