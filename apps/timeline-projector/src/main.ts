import 'reflect-metadata';
import { runApp } from '@daalu/platform/app';
import { answerErrorsAsProblems } from '@daalu/platform/http';
import { AppModule, DATABASE } from './app.module';
import { TimelineProjectorConfig } from './config';

void runApp({
  name: 'timeline-projector',
  configClass: TimelineProjectorConfig,
  database: DATABASE,
  module: (config, logger) => AppModule.forRoot(config, logger),
  configureHttp: answerErrorsAsProblems,
});
