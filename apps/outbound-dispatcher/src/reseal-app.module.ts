import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type AppCommand } from '@daalu/platform/app';
import type { Logger } from '@daalu/platform/observability';
import { ResealModule, runResealCommand } from '@daalu/outbound/feature';
import { outboundOptionsOf } from './app.module';
import { OutboundDispatcherConfig } from './config';

/** Composes `main.js reseal`: NATS and the webhook directory only (no database, no consumers, no HTTP). */
@Module({})
export class ResealAppModule {
  static forRoot(config: OutboundDispatcherConfig, logger: Logger): DynamicModule {
    return {
      module: ResealAppModule,
      imports: [
        PlatformModule.forRoot({ service: 'outbound-dispatcher', config, logger }),
        ResealModule.forRoot(outboundOptionsOf(config)),
      ],
    };
  }
}

/** `main.js reseal [--dry-run]`: after a change of DAALU_SECRET_KEY, seals again with it what older keys sealed. */
export const resealCommand: AppCommand<OutboundDispatcherConfig> = async (config, logger, args) => {
  if (!config.DAALU_SECRET_KEY) {
    // Without it, values would move to the public development key: as good as plain text.
    process.stderr.write('reseal: DAALU_SECRET_KEY is not set; refusing to re-seal with the public development key\n');
    return 2;
  }
  return runResealCommand(ResealAppModule.forRoot(config, logger), logger, args);
};
