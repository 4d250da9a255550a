import 'reflect-metadata';
import { runApp } from '@daalu/platform/app';
import { answerErrorsAsProblems } from '@daalu/platform/http';
import { AppModule, DATABASE } from './app.module';
import { OutboundDispatcherConfig } from './config';
import { resealCommand } from './reseal-app.module';

void runApp({
  name: 'outbound-dispatcher',
  configClass: OutboundDispatcherConfig,
  database: DATABASE,
  module: (config, logger) => AppModule.forRoot(config, logger),
  configureHttp: answerErrorsAsProblems,
  commands: { reseal: resealCommand },
});
