import 'reflect-metadata';
import { runApp } from '@daalu/platform/app';
import { answerErrorsAsProblems } from '@daalu/platform/http';
import { AppModule, DATABASE } from './app.module';
import { RuleEvaluatorConfig } from './config';

void runApp({
  name: 'rule-evaluator',
  configClass: RuleEvaluatorConfig,
  database: DATABASE,
  module: (config, logger) => AppModule.forRoot(config, logger),
  configureHttp: answerErrorsAsProblems,
});
