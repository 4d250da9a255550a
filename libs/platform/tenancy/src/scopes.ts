import { SetMetadata } from '@nestjs/common';
import { API_TOKEN_SCOPES, type ApiTokenScope } from '@daalu/contracts';

export { API_TOKEN_SCOPES, type ApiTokenScope };

export const REQUIRED_SCOPE = 'daalu:required-scope';

/**
 * The scope a route needs when its method does not say it (reads need `read`, changes `write`):
 * `@RequireScope('admin')` on API tokens, the ingest key and signing secrets.
 */
export const RequireScope = (scope: ApiTokenScope) => SetMetadata(REQUIRED_SCOPE, scope);

/** What a request needs by its method alone: GET and HEAD read, anything else writes. */
export function scopeForMethod(method: string): ApiTokenScope {
  return method === 'GET' || method === 'HEAD' ? 'read' : 'write';
}

/** Whether tokens with `granted` may do what needs `required`: each scope includes the ones before it. */
export function scopeAllows(granted: readonly ApiTokenScope[], required: ApiTokenScope): boolean {
  const needed = API_TOKEN_SCOPES.indexOf(required);
  return granted.some((scope) => API_TOKEN_SCOPES.indexOf(scope) >= needed);
}
