import 'reflect-metadata';
import { runApp } from '@daalu/platform/app';
import { configureIngestHttp } from '@daalu/ingest/feature';
import { AppModule, DATABASE } from './app.module';
import { IngestGatewayConfig } from './config';

void runApp({
  name: 'ingest-gateway',
  configClass: IngestGatewayConfig,
  database: DATABASE,
  module: (config, logger) => AppModule.forRoot(config, logger),
  configureHttp: configureIngestHttp,
});
