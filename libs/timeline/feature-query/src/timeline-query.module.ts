import { Module } from '@nestjs/common';
import { TenancyModule } from '@daalu/platform/tenancy';
import { EventsController } from './events.controller';
import { EventStreamController } from './event-stream.controller';
import { TimelineNotifier } from './timeline-notifier';

/** The timeline's read side: the list and the live stream, tenant-scoped. */
@Module({
  imports: [TenancyModule],
  controllers: [EventStreamController, EventsController],
  providers: [TimelineNotifier],
})
export class TimelineQueryModule {}
