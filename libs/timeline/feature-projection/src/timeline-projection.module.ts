import { Module, type DynamicModule } from '@nestjs/common';
import { STREAM_NAMES, type StreamNames } from '@daalu/platform/jetstream';
import { ProjectionHost } from '@daalu/platform/projection';
import { TimelinePartitions } from '@daalu/timeline/data-access';
import { TimelineEventsProjection } from './timeline-events.projection';
import { TimelineRetention } from './timeline-retention.service';
import { TIMELINE_OPTIONS, type TimelineOptions } from './timeline-options';

/** The timeline projection (log → day-partitioned table) and its retention. */
@Module({})
export class TimelineProjectionModule {
  static forRoot(options: TimelineOptions): DynamicModule {
    return {
      module: TimelineProjectionModule,
      providers: [
        { provide: TIMELINE_OPTIONS, useValue: options },
        TimelinePartitions,
        TimelineRetention,
        {
          provide: TimelineEventsProjection,
          inject: [ProjectionHost, STREAM_NAMES, TimelinePartitions],
          useFactory: (host: ProjectionHost, streams: StreamNames, partitions: TimelinePartitions) => {
            const projection = new TimelineEventsProjection(streams, partitions, options);
            host.register(projection);
            return projection;
          },
        },
      ],
      exports: [TIMELINE_OPTIONS],
    };
  }
}
