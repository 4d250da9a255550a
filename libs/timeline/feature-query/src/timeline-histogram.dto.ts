import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { HISTOGRAM_BUCKET_SECONDS, MAX_HISTOGRAM_BUCKETS } from '@daalu/timeline/domain';

/** One bucket of GET /api/v1/events/histogram. */
@ApiSchema({ name: 'TimelineHistogramBucket' })
export class TimelineHistogramBucketView {
  @ApiProperty({
    format: 'date-time',
    description:
      'The bucket’s start (UTC), a whole multiple of `bucketSeconds` since the epoch; it counts entries received from it until the next bucket’s start (the first and last bucket only within `since`–`until`)',
    example: '2026-11-27T14:00:00.000Z',
  })
  at: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Matching entries, of every severity', example: 42 })
  count: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Of them, severity `warning`', example: 3 })
  warning: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Of them, severity `critical`', example: 1 })
  critical: number;
}

@ApiSchema({ name: 'TimelineHistogram' })
export class TimelineHistogramView {
  @ApiProperty({
    type: 'integer',
    enum: [...HISTOGRAM_BUCKET_SECONDS],
    description: `The buckets’ size: the smallest of these giving at most ${MAX_HISTOGRAM_BUCKETS} buckets over the range`,
    example: 60,
  })
  bucketSeconds: number;

  @ApiProperty({
    format: 'date-time',
    description: 'The range’s start (inclusive), as given, else an hour before `until`',
  })
  since: string;

  @ApiProperty({ format: 'date-time', description: 'The range’s end (exclusive), as given, else now' })
  until: string;

  @ApiProperty({
    type: () => [TimelineHistogramBucketView],
    maxItems: MAX_HISTOGRAM_BUCKETS,
    description:
      'Every bucket from the one holding `since` to the one holding the last instant before `until`, oldest first; a bucket with no entries is there with zeros (never left out)',
  })
  buckets: TimelineHistogramBucketView[];
}
