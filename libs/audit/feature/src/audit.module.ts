import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { STREAM_NAMES, SUBJECTS, type StreamNames, type Subjects } from '@daalu/platform/jetstream';
import { ProjectionHost } from '@daalu/platform/projection';
import { ApiTokenDirectory, TenancyModule } from '@daalu/platform/tenancy';
import { AuditEntry } from '@daalu/audit/data-access';
import { AuditConfigProjection } from './audit-config.projection';
import { AuditController } from './audit.controller';
import { AUDIT_OPTIONS, type AuditOptions } from './audit-options';
import { AUDITED_ALERTS, AUDITED_PROPOSALS, AuditEventsProjection } from './audit-events.projection';
import { AuditRetention } from './audit-retention.service';

/**
 * The tenant audit log: two projections (CONFIG, and the proposals of EVENTS) into `audit_entry`, its
 * retention, and `GET /api/v1/audit`. Served by the ingest gateway, in its schema.
 */
@Module({})
export class AuditModule {
  static forRoot(options: AuditOptions): DynamicModule {
    return {
      module: AuditModule,
      imports: [TypeOrmModule.forFeature([AuditEntry]), TenancyModule],
      controllers: [AuditController],
      providers: [
        { provide: AUDIT_OPTIONS, useValue: options },
        AuditRetention,
        {
          provide: AuditConfigProjection,
          inject: [ProjectionHost, STREAM_NAMES, ApiTokenDirectory],
          useFactory: (host: ProjectionHost, streams: StreamNames, apiTokens: ApiTokenDirectory) => {
            const projection = new AuditConfigProjection(streams, apiTokens);
            host.register(projection);
            return projection;
          },
        },
        // One projection per subject tree of the EVENTS stream (nats-server 2.9 takes one filter each).
        ...[AUDITED_PROPOSALS, AUDITED_ALERTS].map((source) => ({
          provide: `audit-projection:${source.name}`,
          inject: [ProjectionHost, STREAM_NAMES, SUBJECTS, ApiTokenDirectory],
          useFactory: (
            host: ProjectionHost,
            streams: StreamNames,
            subjects: Subjects,
            apiTokens: ApiTokenDirectory,
          ) => {
            const projection = new AuditEventsProjection(
              source,
              streams,
              subjects,
              apiTokens,
              options.eventRetentionDays,
            );
            host.register(projection);
            return projection;
          },
        })),
      ],
      exports: [AuditRetention],
    };
  }
}
