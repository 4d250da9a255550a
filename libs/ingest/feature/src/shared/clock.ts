import { Injectable } from '@nestjs/common';

/** The time, behind a seam: tests replace it to move through a 24-hour key grace period. */
@Injectable()
export class Clock {
  now(): number {
    return Date.now();
  }
}
