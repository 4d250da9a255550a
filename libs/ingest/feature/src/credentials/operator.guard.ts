import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { bearerToken, unauthorized, type TenantRequest } from '@daalu/platform/tenancy';
import { INGEST_OPTIONS, type IngestOptions } from '../shared/ingest-options';

/**
 * Operator endpoints: Authorization: Bearer <one of DAALU_OPERATOR_TOKEN>. Sets request.actor to
 * `operator (<first 8 hex of the token's SHA-256>)`: which of the accepted tokens, without any of it.
 */
@Injectable()
export class OperatorGuard implements CanActivate {
  private readonly expected: Buffer[];

  constructor(@Inject(INGEST_OPTIONS) options: IngestOptions) {
    this.expected = options.operatorTokenHashes.map((hash) => Buffer.from(hash, 'hex'));
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<TenantRequest>();
    const actual = createHash('sha256')
      .update(bearerToken(request) ?? '')
      .digest();
    // Every accepted hash is compared (no early exit), each in constant time.
    const matches = this.expected.filter((hash) => timingSafeEqual(actual, hash));
    if (matches.length === 0) throw unauthorized();
    request.actor = `operator (${actual.toString('hex').slice(0, 8)})`;
    return true;
  }
}
