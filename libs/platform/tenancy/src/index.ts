export {
  generateToken,
  hashToken,
  isWellFormedToken,
  tokenPrefix,
  TOKEN_KINDS,
  type TokenKind,
} from '@daalu/contracts';
export * from './config-facts-follower';
export * from './api-token-directory';
export * from './tenant.guard';
export * from './tenancy.module';
