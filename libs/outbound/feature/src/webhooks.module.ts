import { Module, type DynamicModule } from '@nestjs/common';
import { TenancyModule } from '@daalu/platform/tenancy';
import { HttpSender } from './delivery/http-sender';
import { addressGuardOf, OUTBOUND_OPTIONS, type OutboundOptions } from './outbound-options';
import { WebhookDirectory } from './webhooks/webhook-directory';
import { WebhooksService } from './webhooks/webhooks.service';

/** Response bodies kept of an attempt, at most (bytes). */
const MAX_RESPONSE_BYTES = 4096;

/**
 * Outbound webhooks: the directory every replica keeps, the service that changes webhooks, and the
 * SSRF-safe sender. No HTTP and no database: the `reseal` command runs on this alone; the serving app's
 * DeliveriesModule adds the API.
 */
@Module({})
export class WebhooksModule {
  static forRoot(options: OutboundOptions): DynamicModule {
    return {
      module: WebhooksModule,
      imports: [TenancyModule],
      providers: [
        { provide: OUTBOUND_OPTIONS, useValue: options },
        {
          provide: HttpSender,
          useFactory: () =>
            new HttpSender(addressGuardOf(options), {
              timeoutMs: options.deliveryTimeoutMs,
              maxResponseBytes: MAX_RESPONSE_BYTES,
            }),
        },
        WebhookDirectory,
        WebhooksService,
      ],
      exports: [WebhookDirectory, HttpSender, WebhooksService, OUTBOUND_OPTIONS],
    };
  }
}
