import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import { bodyTooLargeDetail, problem, PROBLEM_CONTENT_TYPE } from '@daalu/platform/http';
import { BodyIncomplete, BodyTooLarge } from './body-limit';
import type { Refusal } from './admission';
import { RETRY_AFTER_SECONDS } from './limits';
import type { Upstream } from './routes';

/** A problem+json answer, ready to send through Fastify or on a raw Node response. */
export interface ProblemAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function problemAnswer(
  status: number,
  slug: string,
  title: string,
  detail: string,
  headers: Record<string, string> = {},
): ProblemAnswer {
  return {
    status,
    headers: { ...headers, 'content-type': PROBLEM_CONTENT_TYPE },
    body: JSON.stringify(problem(status, slug, title, detail)),
  };
}

/** Sends an answer through Fastify. */
export function send(reply: FastifyReply, answer: ProblemAnswer): FastifyReply {
  return reply.status(answer.status).headers(answer.headers).send(answer.body);
}

/** Writes an answer on a raw Node response (the origin's ingest pass-through). */
export function write(res: ServerResponse, answer: ProblemAnswer): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
  res.end(answer.body);
}

/** Answers `status` as RFC 9457 problem+json. */
function answer(
  reply: FastifyReply,
  status: number,
  slug: string,
  title: string,
  detail: string,
  headers: Record<string, string> = {},
): FastifyReply {
  return send(reply, problemAnswer(status, slug, title, detail, headers));
}

/** 503 + Retry-After: the answer to anything that should work again shortly. */
function unavailableAnswer(slug: string, detail: string, headers: Record<string, string> = {}): ProblemAnswer {
  return problemAnswer(503, slug, 'Service Unavailable', detail, {
    'retry-after': String(RETRY_AFTER_SECONDS),
    ...headers,
  });
}

/** The body is over the limit: said by its Content-Length, or counted as it came. The connection closes. */
export function tooLarge(reply: FastifyReply, limit: number): FastifyReply {
  return send(reply, tooLargeAnswer(limit));
}

export function tooLargeAnswer(limit: number): ProblemAnswer {
  return problemAnswer(413, 'body-too-large', 'Payload too large', bodyTooLargeDetail(limit), { connection: 'close' });
}

export function notFound(reply: FastifyReply, detail: string): FastifyReply {
  return answer(reply, 404, 'not-found', 'Not Found', detail);
}

/** A cap refused the request (Admission). A request with a body unread gets its connection closed. */
export function refused(reply: FastifyReply, refusal: Refusal, closeConnection: boolean): FastifyReply {
  return send(reply, refusedAnswer(refusal, closeConnection));
}

export function refusedAnswer(refusal: Refusal, closeConnection: boolean): ProblemAnswer {
  const one = refusal.limit === 1;
  const what = refusal.kind === 'stream' ? `open event stream${one ? '' : 's'}` : `request${one ? '' : 's'} in flight`;
  const detail =
    refusal.scope === 'client'
      ? `this client already has ${refusal.limit} ${what} (the most one client may have); retry when one is done`
      : `the origin already has ${refusal.limit} ${what}; retry shortly`;
  return unavailableAnswer('overloaded', detail, closeConnection ? { connection: 'close' } : {});
}

export function shuttingDown(reply: FastifyReply): FastifyReply {
  return send(reply, shuttingDownAnswer());
}

export function shuttingDownAnswer(): ProblemAnswer {
  return unavailableAnswer('shutting-down', 'this origin is shutting down; retry (another one answers)', {
    connection: 'close',
  });
}

/**
 * The request could not be passed on or its answer not fetched: a body over the limit is a 413; an app
 * that is down, restarting, resetting its connection or too slow is a 503 with Retry-After (an outage
 * clients wait out, never a 502 that looks like a bug); an answer that is not HTTP at all stays a 502.
 */
export function upstreamFailed(
  reply: FastifyReply,
  upstream: Upstream,
  error: Error,
  limit: number,
  timeoutMs: number,
): FastifyReply {
  return send(reply, upstreamFailedAnswer(upstream, error, limit, timeoutMs));
}

export function upstreamFailedAnswer(
  upstream: Upstream,
  error: Error,
  limit: number,
  timeoutMs: number,
): ProblemAnswer {
  const causes = causeChain(error);
  if (causes.some((cause) => cause instanceof BodyTooLarge)) return tooLargeAnswer(limit);
  if (causes.some((cause) => cause instanceof BodyIncomplete)) {
    return problemAnswer(400, 'body-incomplete', 'Bad Request', 'the body ended before it was complete', {
      connection: 'close',
    });
  }
  const codes = causes.map((cause) => (cause as { code?: string }).code);
  if (codes.includes('UND_ERR_INVALID_ARG') || codes.includes('UND_ERR_NOT_SUPPORTED')) {
    return problemAnswer(
      400,
      'bad-request',
      'Bad Request',
      `the request cannot be passed on: ${causes.at(-1)!.message}`,
    );
  }
  if (codes.includes('FST_REPLY_FROM_BAD_GATEWAY') || codes.some((code) => code?.startsWith('HPE_'))) {
    return problemAnswer(
      502,
      'bad-gateway',
      'Bad Gateway',
      `${APP_NAMES[upstream]} answered with something that is not HTTP`,
    );
  }
  if (
    codes.some(
      (code) =>
        code === 'FST_REPLY_FROM_GATEWAY_TIMEOUT' ||
        code === 'UND_ERR_HEADERS_TIMEOUT' ||
        code === 'UND_ERR_BODY_TIMEOUT' ||
        code === 'UND_ERR_CONNECT_TIMEOUT',
    )
  ) {
    return unavailableAnswer('upstream-timeout', `${APP_NAMES[upstream]} did not answer within ${timeoutMs / 1000} s`);
  }
  return unavailableAnswer('upstream-unavailable', `${APP_NAMES[upstream]} is not answering (it may be restarting)`);
}

/** How a problem names each app. */
const APP_NAMES: Record<Upstream, string> = {
  gateway: 'the ingest gateway',
  timeline: 'the timeline projector',
  rules: 'the rule evaluator',
  outbound: 'the outbound dispatcher',
};

function causeChain(error: unknown): Error[] {
  const chain: Error[] = [];
  let current = error;
  while (current instanceof Error && chain.length < 10) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}
