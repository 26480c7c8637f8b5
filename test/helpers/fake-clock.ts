import { Clock } from '../../src/time/clock';

/** A clock that moves only when told to. */
export class FakeClock extends Clock {
  constructor(private current = Date.now()) {
    super();
  }

  override now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }

  advanceSeconds(seconds: number): void {
    this.advance(seconds * 1000);
  }
}

/** A clock reading (ms) as the API writes timestamps. */
export const iso = (ms: number): string => new Date(ms).toISOString();
