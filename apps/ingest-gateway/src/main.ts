import 'reflect-metadata';
import { runApp } from '@daalu/platform/app';
import { AppModule } from './app.module';
import { IngestGatewayConfig } from './config';

void runApp({
  name: 'ingest-gateway',
  configClass: IngestGatewayConfig,
  module: (config, logger) => AppModule.forRoot(config, logger),
});
