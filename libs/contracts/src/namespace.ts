/**
 * Every subject and stream name is derived from a namespace (default `daalu`), so that test suites and
 * side-by-side installations never see each other's messages on one NATS server.
 */
export const DEFAULT_NAMESPACE = 'daalu';

/** A namespace is one NATS subject token: lowercase letters, digits, `-` and `_`. */
export const NAMESPACE_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;

export function assertNamespace(namespace: string): string {
  if (!NAMESPACE_PATTERN.test(namespace)) {
    throw new Error(`invalid namespace "${namespace}": expected ${NAMESPACE_PATTERN}`);
  }
  return namespace;
}
