import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { bearerToken, unauthorized } from '@daalu/platform/tenancy';
import { INGEST_OPTIONS, type IngestOptions } from '../shared/ingest-options';

/** Operator endpoints: Authorization: Bearer <DAALU_OPERATOR_TOKEN>. */
@Injectable()
export class OperatorGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(INGEST_OPTIONS) options: IngestOptions) {
    this.expected = Buffer.from(options.operatorTokenHash, 'hex');
  }

  canActivate(context: ExecutionContext): boolean {
    const token = bearerToken(context.switchToHttp().getRequest<FastifyRequest>()) ?? '';
    const actual = createHash('sha256').update(token).digest();
    if (!timingSafeEqual(actual, this.expected)) throw unauthorized();
    return true;
  }
}
