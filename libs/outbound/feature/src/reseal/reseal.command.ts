import { NestFactory } from '@nestjs/core';
import type { DynamicModule } from '@nestjs/common';
import { NestPinoLogger, type Logger } from '@daalu/platform/observability';
import { SecretResealer, type ResealReport } from './secret-resealer';

/**
 * `main.js reseal [--dry-run]`: re-seals with the current key what older keys sealed, printing progress
 * and a summary on stderr (like `rebuild`). Exit 0 when nothing sealed with another key remains in use,
 * 1 when some values could not be opened (their key is missing) or kept changing, 2 for a bad argument.
 * `module` composes the platform and the `ResealModule`.
 */
export async function runResealCommand(module: DynamicModule, logger: Logger, args: string[]): Promise<number> {
  const unknown = args.filter((arg) => arg !== '--dry-run');
  if (unknown.length > 0) {
    process.stderr.write(`reseal: unknown argument(s) ${unknown.join(' ')}; usage: reseal [--dry-run]\n`);
    return 2;
  }
  const dryRun = args.includes('--dry-run');
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const context = await NestFactory.createApplicationContext(module, { logger: new NestPinoLogger(logger) });
  try {
    const report = await context.get(SecretResealer).run({ dryRun, progress: say });
    summarise(report, dryRun, say);
    return report.unopened.length > 0 || report.contended.length > 0 ? 1 : 0;
  } finally {
    await context.close();
  }
}

function summarise(report: ResealReport, dryRun: boolean, say: (line: string) => void): void {
  say(
    `reseal: ${formatCount(report.webhooksChecked)} webhook(s) checked; ${formatCount(report.valuesResealed)} value(s) in ` +
      `${formatCount(report.webhooksResealed)} webhook(s) ${dryRun ? 'would be re-sealed' : 're-sealed'} with key ${report.currentKey}`,
  );
  for (const [key, count] of Object.entries(report.byOldKey).sort()) {
    say(`reseal:   sealed with key ${key}: ${formatCount(count)} value(s)`);
  }
  for (const { tenantId, webhookId } of report.contended) {
    say(
      `reseal: webhook ${webhookId} (tenant ${tenantId}) kept changing meanwhile and is not re-sealed: run reseal again`,
    );
  }
  if (report.unopened.length > 0) {
    const keys = [...new Set(report.unopened.map((value) => value.key))].sort();
    say(
      `reseal: ${formatCount(report.unopened.length)} value(s) could not be opened, sealed with key(s) ${keys.join(', ')}: ` +
        'add the key(s) to DAALU_SECRET_KEYS_PREVIOUS and run reseal again',
    );
    for (const value of report.unopened) {
      say(`reseal:   webhook ${value.webhookId} (tenant ${value.tenantId}), ${value.value}: ${value.reason}`);
    }
    return;
  }
  if (report.contended.length > 0) return;
  if (!dryRun || report.valuesResealed === 0) {
    say(
      `reseal: nothing sealed with another key remains in use; older keys may be removed from DAALU_SECRET_KEYS_PREVIOUS`,
    );
  }
}

/** 1,204 rather than 1204. */
function formatCount(count: number): string {
  return count.toLocaleString('en');
}
