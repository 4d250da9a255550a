import { ArgumentsHost, Catch, HttpException, HttpStatus, Inject, type ExceptionFilter } from '@nestjs/common';
import type { FastifyError, FastifyReply } from 'fastify';
import { LOGGER, type Logger } from '@daalu/platform/observability';
import { PROBLEM_TYPE_BASE } from './problem-types';

/** An RFC 9457 problem document. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * A problem document of the kind `slug`. Its `type` is `/problems/<slug>`: resolved against the request
 * URL, a page the origin serves about that kind (problem-types.ts, where every slug must be described).
 */
export function problem(status: number, slug: string, title: string, detail?: string, extra: object = {}): Problem {
  return { type: `${PROBLEM_TYPE_BASE}${slug}`, title, status, ...(detail ? { detail } : {}), ...extra };
}

/**
 * The detail of a 413 for a body limit: `the body is larger than 1 MiB (1,048,576 bytes)`, or the bytes
 * alone when the limit is not a whole number of MiB (a gateway that lowered its limit to fit NATS).
 */
export function bodyTooLargeDetail(limit: number): string {
  const mib = limit / (1024 * 1024);
  const bytes = `${limit.toLocaleString('en')} bytes`;
  return `the body is larger than ${Number.isInteger(mib) ? `${mib} MiB (${bytes})` : bytes}`;
}

/** Throw from a handler to answer with a problem document (and optional headers). */
export class ProblemException extends HttpException {
  constructor(
    readonly problem: Problem,
    readonly headers: Record<string, string> = {},
  ) {
    super(problem, problem.status);
  }
}

export function sendProblem(reply: FastifyReply, body: Problem, headers: Record<string, string> = {}): FastifyReply {
  return reply.status(body.status).headers(headers).type(PROBLEM_CONTENT_TYPE).send(body);
}

/** Every error a Nest handler raises leaves as problem+json; unexpected ones are logged, never leaked. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (error instanceof ProblemException) {
      sendProblem(reply, error.problem, error.headers);
      return;
    }
    if (error instanceof HttpException && [413, 415].includes(error.getStatus())) {
      const code = error.getStatus() === 413 ? 'FST_ERR_CTP_BODY_TOO_LARGE' : 'FST_ERR_CTP_INVALID_MEDIA_TYPE';
      sendProblem(reply, fromFastifyError({ code } as FastifyError));
      return;
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const response = error.getResponse();
      const detail = typeof response === 'string' ? response : (response as { message?: unknown }).message;
      sendProblem(
        reply,
        problem(
          status,
          `http-${status}`,
          HttpStatus[status]?.replace(/_/g, ' ').toLowerCase() ?? 'error',
          String(detail ?? ''),
        ),
      );
      return;
    }
    const mapped = fromFastifyError(error as FastifyError);
    if (mapped.status >= 500) this.logger.error({ err: error }, 'unhandled error in request');
    sendProblem(reply, mapped);
  }
}

/** An error for a body parser to report a 400 with (mapped by fromFastifyError). */
export function badRequest(detail: string): FastifyError {
  return Object.assign(new Error(detail), {
    statusCode: 400,
    code: 'DAALU_BAD_JSON',
    name: 'BadRequest',
  }) as FastifyError;
}

/** Fastify's own errors (body parsing, limits) as problem documents; anything else is a 500. */
export function fromFastifyError(error: FastifyError): Problem {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem(413, 'body-too-large', 'Payload too large', bodyTooLargeDetail(1024 * 1024));
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return problem(
        415,
        'unsupported-media-type',
        'Unsupported media type',
        'send the body as Content-Type: application/json',
      );
    case 'DAALU_BAD_JSON':
      return problem(400, 'malformed-json', 'Malformed JSON', error.message);
    default:
      if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
        return problem(error.statusCode, 'bad-request', 'Bad request', error.message);
      }
      return problem(500, 'internal', 'Internal error', 'the request failed; it was logged');
  }
}

/** Makes every error of the app leave as problem+json (call from an app's `configureHttp`). */
export function answerErrorsAsProblems(app: {
  useGlobalFilters(...filters: ExceptionFilter[]): unknown;
  get<T>(token: unknown): T;
}): void {
  app.useGlobalFilters(new ProblemFilter(app.get<Logger>(LOGGER)));
}
