import type { FastifyReply } from 'fastify';
import { problem, PROBLEM_CONTENT_TYPE } from '@daalu/platform/http';
import { BodyIncomplete, BodyTooLarge } from './body-limit';
import type { Refusal } from './admission';
import { RETRY_AFTER_SECONDS } from './limits';
import type { Upstream } from './routes';

/** Answers `status` as RFC 9457 problem+json. */
function answer(
  reply: FastifyReply,
  status: number,
  slug: string,
  title: string,
  detail: string,
  headers: Record<string, string> = {},
): FastifyReply {
  return reply
    .status(status)
    .headers(headers)
    .type(PROBLEM_CONTENT_TYPE)
    .send(problem(status, slug, title, detail));
}

/** 503 + Retry-After: the answer to anything that should work again shortly. */
function unavailable(reply: FastifyReply, slug: string, detail: string, headers: Record<string, string> = {}) {
  return answer(reply, 503, slug, 'Service Unavailable', detail, {
    'retry-after': String(RETRY_AFTER_SECONDS),
    ...headers,
  });
}

/** The body is over the limit: said by its Content-Length, or counted as it came. The connection closes. */
export function tooLarge(reply: FastifyReply, limit: number): FastifyReply {
  return answer(
    reply,
    413,
    'body-too-large',
    'Payload too large',
    `the body is larger than ${limit / (1024 * 1024)} MiB (${limit.toLocaleString('en')} bytes)`,
    { connection: 'close' },
  );
}

export function notFound(reply: FastifyReply, detail: string): FastifyReply {
  return answer(reply, 404, 'not-found', 'Not Found', detail);
}

/** A cap refused the request (Admission). A request with a body unread gets its connection closed. */
export function refused(reply: FastifyReply, refusal: Refusal, closeConnection: boolean): FastifyReply {
  const one = refusal.limit === 1;
  const what = refusal.kind === 'stream' ? `open event stream${one ? '' : 's'}` : `request${one ? '' : 's'} in flight`;
  const detail =
    refusal.scope === 'client'
      ? `this client already has ${refusal.limit} ${what} (the most one client may have); retry when one is done`
      : `the origin already has ${refusal.limit} ${what}; retry shortly`;
  return unavailable(reply, 'overloaded', detail, closeConnection ? { connection: 'close' } : {});
}

export function shuttingDown(reply: FastifyReply): FastifyReply {
  return unavailable(reply, 'shutting-down', 'this origin is shutting down; retry (another one answers)', {
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
  const causes = causeChain(error);
  if (causes.some((cause) => cause instanceof BodyTooLarge)) return tooLarge(reply, limit);
  if (causes.some((cause) => cause instanceof BodyIncomplete)) {
    return answer(reply, 400, 'body-incomplete', 'Bad Request', 'the body ended before it was complete', {
      connection: 'close',
    });
  }
  const codes = causes.map((cause) => (cause as { code?: string }).code);
  if (codes.includes('UND_ERR_INVALID_ARG') || codes.includes('UND_ERR_NOT_SUPPORTED')) {
    return answer(
      reply,
      400,
      'bad-request',
      'Bad Request',
      `the request cannot be passed on: ${causes.at(-1)!.message}`,
    );
  }
  if (codes.includes('FST_REPLY_FROM_BAD_GATEWAY')) {
    return answer(
      reply,
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
    return unavailable(reply, 'upstream-timeout', `${APP_NAMES[upstream]} did not answer within ${timeoutMs / 1000} s`);
  }
  return unavailable(reply, 'upstream-unavailable', `${APP_NAMES[upstream]} is not answering (it may be restarting)`);
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
