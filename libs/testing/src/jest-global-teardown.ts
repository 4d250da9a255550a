export default async function globalTeardown(): Promise<void> {
  await globalThis.__DAALU_TEST_SERVICES__?.stop();
}
