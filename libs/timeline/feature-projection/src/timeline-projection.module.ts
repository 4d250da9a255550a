import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { STREAM_NAMES, SUBJECTS, type StreamNames, type Subjects } from '@daalu/platform/jetstream';
import { ProjectionHost } from '@daalu/platform/projection';
import { TimelineEvent } from '@daalu/timeline/data-access';
import { TimelineEventsProjection } from './timeline-events.projection';

@Module({
  imports: [TypeOrmModule.forFeature([TimelineEvent])],
  providers: [
    {
      provide: TimelineEventsProjection,
      inject: [ProjectionHost, STREAM_NAMES, SUBJECTS],
      useFactory: (host: ProjectionHost, streams: StreamNames, subjects: Subjects) => {
        const projection = new TimelineEventsProjection(streams, subjects);
        host.register(projection);
        return projection;
      },
    },
  ],
})
export class TimelineProjectionModule {}
