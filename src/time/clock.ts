import { Injectable } from '@nestjs/common';

/** The one source of "now" for expiry, idle timeouts and rate windows; tests swap in a fake. */
@Injectable()
export class Clock {
  now(): number {
    return Date.now();
  }
}
