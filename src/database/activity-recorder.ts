import { Logger } from '@nestjs/common';
import { EntityTarget, ObjectLiteral } from 'typeorm';
import { ActivityBuffer } from '../concurrency/activity-buffer';
import { WriteLock } from './write-lock';

/**
 * Batches "last activity" writes of one column: in memory at once, in the
 * database every `intervalMs` and at shutdown, one UPDATE per id per batch.
 */
export class ActivityRecorder<E extends ObjectLiteral> {
  private readonly buffer = new ActivityBuffer();
  private readonly timer: NodeJS.Timeout;
  private readonly logger: Logger;

  constructor(
    private readonly lock: WriteLock,
    private readonly entity: EntityTarget<E>,
    private readonly column: keyof E & string,
    intervalMs: number,
  ) {
    this.logger = new Logger(`Activity(${column})`);
    this.timer = setInterval(() => void this.flush(), intervalMs).unref();
  }

  touch(id: string, at: number): void {
    this.buffer.touch(id, at);
  }

  unwritten(id: string): number | undefined {
    return this.buffer.unwritten(id);
  }

  forget(id: string): void {
    this.buffer.forget(id);
  }

  /** Never throws: a failed batch stays pending for the next flush. */
  async flush(): Promise<number> {
    try {
      return await this.buffer.flush((batch) =>
        this.lock.transaction(async (manager) => {
          for (const [id, at] of batch) {
            await manager.update(this.entity, { id }, {
              [this.column]: new Date(at),
            } as never);
          }
        }),
      );
    } catch (error) {
      this.logger.warn(`Could not write activity: ${String(error)}`);
      return 0;
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
