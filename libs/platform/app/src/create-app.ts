import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DynamicModule } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { refuseUnsafeInput } from '@daalu/platform/http';
import { Metrics, NestPinoLogger, type Logger } from '@daalu/platform/observability';

export interface CreateAppOptions {
  logger: Logger;
  /** Largest request body accepted (bytes); larger bodies get 413 before any handler runs. */
  bodyLimit?: number;
  /** Runs after the app is created and before it initialises: hooks, parsers, error handling. */
  configure?(app: NestFastifyApplication): void;
}

/**
 * A Nest app on Fastify (about twice Express's throughput), with HTTP latency metrics on every route,
 * and, on every route before any handler, a 400 naming the field or parameter for: text PostgreSQL
 * cannot store (NUL, lone surrogates) in a JSON body or a query, a JSON body nested more than 64 deep,
 * and a query parameter that is not valid %-encoding.
 */
export async function createApp(module: DynamicModule, options: CreateAppOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    trustProxy: true,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    logger: false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: new NestPinoLogger(options.logger),
    abortOnError: false,
    // Fastify's own JSON parser is enough; apps that need another parser set it in `configure`.
    bodyParser: false,
  });
  const metrics = app.get(Metrics);
  const fastify = app.getHttpAdapter().getInstance();
  refuseUnsafeInput(fastify as unknown as FastifyInstance);
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
  options.configure?.(app);
  await app.init();
  return app;
}
