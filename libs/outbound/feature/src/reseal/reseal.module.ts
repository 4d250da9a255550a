import { Module, type DynamicModule } from '@nestjs/common';
import type { OutboundOptions } from '../outbound-options';
import { WebhooksModule } from '../webhooks.module';
import { SecretResealer } from './secret-resealer';

/** The operator's `reseal` command: the webhook directory (no deliveries, no HTTP) and the resealer. */
@Module({})
export class ResealModule {
  static forRoot(options: OutboundOptions): DynamicModule {
    return {
      module: ResealModule,
      imports: [WebhooksModule.forRoot(options)],
      providers: [SecretResealer],
      exports: [SecretResealer],
    };
  }
}
