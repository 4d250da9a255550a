export {
  generateToken,
  hashToken,
  isWellFormedToken,
  tokenPrefix,
  INITIAL_TOKEN_NAME,
  TOKEN_KINDS,
  type TokenKind,
} from '@daalu/contracts';
export * from './config-facts-follower';
export * from './api-token-directory';
export * from './scopes';
export * from './tenant.guard';
export * from './tenant.decorators';
export * from './token-usage';
export * from './tenant-erasure';
export * from './tenancy.module';
