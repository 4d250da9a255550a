export default async function globalTeardown(): Promise<void> {
  for (const stop of (globalThis.__DAALU_TEST_STOP__ ?? []).reverse()) await stop().catch(() => undefined);
}
