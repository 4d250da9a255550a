import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';

/** The timeline's filters (the list's and the live stream's query parameters), for the API reference. */
export function TimelineFilterQuery(): MethodDecorator {
  return applyDecorators(
    ApiQuery({
      name: 'type',
      required: false,
      description: 'The exact type; ending in `*`, every type that starts with what comes before it (`deploy.*`)',
      schema: { type: 'string', minLength: 1, maxLength: 128 },
      example: 'deploy.*',
    }),
    ApiQuery({ name: 'module', required: false, schema: { type: 'string', minLength: 1, maxLength: 64 } }),
    ApiQuery({ name: 'source', required: false, schema: { type: 'string', minLength: 1, maxLength: 128 } }),
    ApiQuery({
      name: 'severity',
      required: false,
      description: 'Any of these: comma-separated (`warning,critical`) or repeated',
      schema: { type: 'string' },
      example: 'warning,critical',
    }),
    ApiQuery({
      name: 'since',
      required: false,
      description: '`receivedAt` at or after it (ISO 8601)',
      schema: { type: 'string', format: 'date-time' },
    }),
    ApiQuery({
      name: 'until',
      required: false,
      description: '`receivedAt` before it (ISO 8601); after `since`',
      schema: { type: 'string', format: 'date-time' },
    }),
    ApiQuery({
      name: 'q',
      required: false,
      description: 'The summary contains this text, case-insensitive',
      schema: { type: 'string', minLength: 1, maxLength: 200 },
    }),
  );
}
