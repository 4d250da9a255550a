import { Module } from '@nestjs/common';
import { STREAM_NAMES, SUBJECTS, type StreamNames, type Subjects } from '@daalu/platform/jetstream';
import { ProjectionHost } from '@daalu/platform/projection';
import { TenancyModule } from '@daalu/platform/tenancy';
import { ProposalsController } from './proposals.controller';
import { ProposalsProjection } from './proposals.projection';
import { ProposalsService } from './proposals.service';

/** Change proposals: the API, and their projection from the log. */
@Module({
  imports: [TenancyModule],
  controllers: [ProposalsController],
  providers: [
    ProposalsService,
    {
      provide: ProposalsProjection,
      inject: [ProjectionHost, STREAM_NAMES, SUBJECTS],
      useFactory: (host: ProjectionHost, streams: StreamNames, subjects: Subjects) => {
        const projection = new ProposalsProjection(streams, subjects);
        host.register(projection);
        return projection;
      },
    },
  ],
})
export class ProposalsModule {}
