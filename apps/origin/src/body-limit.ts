import type { IncomingMessage } from 'node:http';
import { Transform, type Readable } from 'node:stream';

/** A body passed the origin's limit while it was streaming through (the answer is a 413). */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`the body is larger than ${limit} bytes`);
    this.name = 'BodyTooLarge';
  }
}

/** The client went away before its body was complete. */
export class BodyIncomplete extends Error {
  constructor() {
    super('the client went away before its body was complete');
    this.name = 'BodyIncomplete';
  }
}

/** Whether the request's Content-Length already says the body is over `limit` (decided before reading it). */
export function declaredTooLarge(req: IncomingMessage, limit: number): boolean {
  const declared = req.headers['content-length'];
  return declared !== undefined && Number(declared) > limit;
}

/**
 * The request body as it arrives, passed on byte for byte (never buffered whole), that fails with
 * BodyTooLarge as soon as more than `limit` bytes have come (a chunked body says nothing in advance).
 * The rest of an oversized body is read and dropped, not left in the socket, so the 413 can be sent.
 */
export function countedBody(payload: IncomingMessage, limit: number): Readable {
  let seen = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > limit) done(new BodyTooLarge(limit));
      else done(null, chunk);
    },
  });
  counted.once('error', () => {
    payload.unpipe(counted);
    payload.resume();
  });
  const gone = () => {
    if (!payload.complete && !counted.destroyed) counted.destroy(new BodyIncomplete());
  };
  payload.once('aborted', gone);
  payload.once('close', gone);
  payload.once('error', gone);
  payload.pipe(counted);
  return counted;
}
