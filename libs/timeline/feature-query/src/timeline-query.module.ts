import { Module } from '@nestjs/common';
import { TenancyModule } from '@daalu/platform/tenancy';
import { EventsController } from './events.controller';
import { EventStreamController } from './event-stream.controller';
import { EventTypesController } from './event-types.controller';
import { TimelineNotifier } from './timeline-notifier';

/** The timeline's read side: the list, the live stream and the event-type catalog, tenant-scoped. */
@Module({
  imports: [TenancyModule],
  controllers: [EventStreamController, EventsController, EventTypesController],
  providers: [TimelineNotifier],
})
export class TimelineQueryModule {}
