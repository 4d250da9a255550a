import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { TenantRequest } from './tenant.guard';

/** The tenant the request acts for (behind TenantGuard): `@Tenant() tenantId: string`. */
export const Tenant = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const tenantId = context.switchToHttp().getRequest<TenantRequest>().tenantId;
  if (!tenantId) throw new Error('@Tenant() used on a route without TenantGuard or OperatorGuard');
  return tenantId;
});

/** Who is calling, as records show it (behind TenantGuard): `@Actor() actor: string`. */
export const Actor = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const actor = context.switchToHttp().getRequest<TenantRequest>().actor;
  if (!actor) throw new Error('@Actor() used on a route without TenantGuard or OperatorGuard');
  return actor;
});
