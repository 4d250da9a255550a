import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamicModule } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { compileErrors, validate } from '@readme/openapi-parser';
import { loadConfig } from '@daalu/platform/config';
import { createLogger } from '@daalu/platform/observability';
/* eslint-disable @nx/enforce-module-boundaries -- the spec reads the apps' own modules and the origin's routing table */
import { AppModule as GatewayModule } from '../../apps/ingest-gateway/src/app.module';
import { IngestGatewayConfig } from '../../apps/ingest-gateway/src/config';
import { AppModule as OutboundModule } from '../../apps/outbound-dispatcher/src/app.module';
import { OutboundDispatcherConfig } from '../../apps/outbound-dispatcher/src/config';
import { AppModule as RulesModule } from '../../apps/rule-evaluator/src/app.module';
import { RuleEvaluatorConfig } from '../../apps/rule-evaluator/src/config';
import { AppModule as TimelineModule } from '../../apps/timeline-projector/src/app.module';
import { TimelineProjectorConfig } from '../../apps/timeline-projector/src/config';
import { ROUTES, routeFor, type Upstream } from '../../apps/origin/src/routes';
/* eslint-enable @nx/enforce-module-boundaries */
import { buildOpenApiDocument, HTTP_METHODS, serialize } from './openapi-document';

const DOCUMENT_PATH = join(__dirname, '..', '..', 'docs', 'openapi.json');
const committed = () => JSON.parse(readFileSync(DOCUMENT_PATH, 'utf8')) as OpenApi;

interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, { tags?: string[] }>>;
}

/** Each app's own AppModule, as it runs (settings that need no secret; nothing connects in preview). */
function appModules(): Array<{ upstream: Upstream; module: DynamicModule }> {
  const logger = createLogger('openapi-spec', 'silent');
  const env = { DAALU_OPERATOR_TOKEN: 'openapi-spec-operator-token-0123456789' };
  return [
    { upstream: 'gateway', module: GatewayModule.forRoot(loadConfig(IngestGatewayConfig, env), logger) },
    { upstream: 'timeline', module: TimelineModule.forRoot(loadConfig(TimelineProjectorConfig, env), logger) },
    { upstream: 'rules', module: RulesModule.forRoot(loadConfig(RuleEvaluatorConfig, env), logger) },
    { upstream: 'outbound', module: OutboundModule.forRoot(loadConfig(OutboundDispatcherConfig, env), logger) },
  ];
}

/** What the spec reads of a module in Nest's container: its controllers' classes. */
interface NestModuleLike {
  controllers: Map<unknown, { metatype: { prototype: Record<string, unknown> } }>;
}

/** Every route a module's controllers serve, from Nest's own metadata (method and `{param}` path). */
async function controllerRoutes(module: DynamicModule): Promise<Array<{ method: string; path: string }>> {
  const app = await NestFactory.create(module, new FastifyAdapter(), {
    preview: true,
    abortOnError: false,
    logger: false,
  });
  try {
    const container = (app as unknown as { container: { getModules(): Map<string, NestModuleLike> } }).container;
    const routes: Array<{ method: string; path: string }> = [];
    for (const nestModule of container.getModules().values()) {
      for (const { metatype } of nestModule.controllers.values()) {
        const base = [Reflect.getMetadata(PATH_METADATA, metatype) as string | string[]].flat();
        for (const name of Object.getOwnPropertyNames(metatype.prototype)) {
          const handler = metatype.prototype[name];
          const methodCode =
            typeof handler === 'function' ? Reflect.getMetadata(METHOD_METADATA, handler as object) : undefined;
          if (methodCode === undefined) continue;
          for (const prefix of base) {
            for (const own of [Reflect.getMetadata(PATH_METADATA, handler as object) as string | string[]].flat()) {
              const path = `/${[prefix, own].filter((part) => part && part !== '/').join('/')}`
                .replace(/\/+/g, '/')
                .replace(/:([A-Za-z0-9_]+)/g, '{$1}');
              routes.push({ method: RequestMethod[methodCode as number].toLowerCase(), path });
            }
          }
        }
      }
    }
    return routes;
  } finally {
    await app.close();
  }
}

/** A concrete path for a templated one (`{id}` as a UUIDv7). */
const sample = (path: string) => path.replace(/\{[^}]+\}/g, '0193a5b2-7c1e-7d4a-9b3f-2e8c4a6d1f05');

describe('docs/openapi.json', () => {
  it('is the document the code describes (run `npm run openapi` after changing a route or a DTO)', async () => {
    expect(readFileSync(DOCUMENT_PATH, 'utf8')).toBe(serialize(await buildOpenApiDocument()));
  });

  it('is valid OpenAPI 3.1', async () => {
    const document = committed();
    expect(document.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(document) as never);
    if (!result.valid) throw new Error(compileErrors(result));
    expect(result.valid).toBe(true);
  });

  it('describes every route the apps’ controllers serve through the origin, routed to the app that serves it', async () => {
    const document = committed();
    const missing: string[] = [];
    const misrouted: string[] = [];
    let publicRoutes = 0;
    for (const { upstream, module } of appModules()) {
      for (const { method, path } of await controllerRoutes(module)) {
        const routedTo = routeFor(method.toUpperCase(), sample(path));
        if (routedTo === undefined) continue; // not public: /metrics, each app's own /health/*
        publicRoutes += 1;
        if (routedTo !== upstream) misrouted.push(`${method.toUpperCase()} ${path}: origin sends it to ${routedTo}`);
        if (!document.paths[path]?.[method]) missing.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(publicRoutes).toBeGreaterThan(25);
    expect(misrouted).toEqual([]);
    expect(missing).toEqual([]);
  });

  it('describes every prefix the origin routes, and nothing the origin does not serve', () => {
    const document = committed();
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      HTTP_METHODS.filter((method) => item[method]).map((method) => ({
        method: method.toUpperCase(),
        path,
        origin: item[method].tags?.includes('Origin') ?? false,
      })),
    );
    for (const route of ROUTES) {
      const covered = operations.some(
        ({ method, path }) =>
          (path === route.prefix || path.startsWith(`${route.prefix}/`)) &&
          (route.pattern === undefined || route.pattern.test(sample(path))) &&
          (route.method === undefined || route.method === method),
      );
      expect({ prefix: route.prefix, method: route.method, covered }).toEqual({
        prefix: route.prefix,
        method: route.method,
        covered: true,
      });
    }
    const unrouted = operations.filter(({ method, path, origin }) => !origin && !routeFor(method, sample(path)));
    expect(unrouted).toEqual([]);
  });
});
