// The HTTP side of payload conditions (class-validator and Swagger decorators), apart from the matcher
// so that domain code judging events does not load them.
export * from './payload-condition.dto';
