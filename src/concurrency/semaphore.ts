type Release = () => void;

/**
 * At most `max` holders at once and at most `maxWaiting` callers waiting for
 * one: a caller that finds both full is told so at once, so excess work is
 * refused rather than queued without bound.
 */
export class Semaphore {
  private held = 0;
  private readonly waiting: ((release: Release) => void)[] = [];
  /** The most holders seen at once (for tests and diagnostics). */
  peak = 0;

  constructor(
    readonly max: number,
    readonly maxWaiting = 0,
  ) {}

  /** A release function (now, or once a holder leaves), or null when holders and queue are full. */
  acquire(): Promise<Release> | null {
    if (this.held < this.max) return Promise.resolve(this.grant());
    if (this.waiting.length >= this.maxWaiting) return null;
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  get inUse(): number {
    return this.held;
  }

  get queued(): number {
    return this.waiting.length;
  }

  private grant(): Release {
    this.held++;
    this.peak = Math.max(this.peak, this.held);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held--;
      this.waiting.shift()?.(this.grant());
    };
  }
}
