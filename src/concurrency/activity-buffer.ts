export type ActivityWriter = (
  batch: ReadonlyMap<string, number>,
) => Promise<void>;

/**
 * Last-activity times kept in memory and written in batches, so the number of
 * UPDATEs follows the number of distinct ids per flush, not the request rate.
 */
export class ActivityBuffer {
  private pending = new Map<string, number>();
  /** The batch being written: still the freshest value until the write lands. */
  private writing = new Map<string, number>();
  private running: Promise<number> = Promise.resolve(0);

  touch(id: string, at: number): void {
    this.pending.set(id, at);
  }

  /** Activity not yet written to the database, if any. */
  unwritten(id: string): number | undefined {
    return this.pending.get(id) ?? this.writing.get(id);
  }

  forget(id: string): void {
    this.pending.delete(id);
  }

  /** Writes what is pending; flushes run one after another. A failed batch is kept for the next. */
  flush(write: ActivityWriter): Promise<number> {
    this.running = this.running.then(
      () => this.writeBatch(write),
      () => this.writeBatch(write),
    );
    return this.running;
  }

  private async writeBatch(write: ActivityWriter): Promise<number> {
    if (this.pending.size === 0) return 0;
    const batch = this.pending;
    this.pending = new Map();
    this.writing = batch;
    try {
      await write(batch);
      return batch.size;
    } catch (error) {
      for (const [id, at] of batch) {
        if (!this.pending.has(id)) this.pending.set(id, at);
      }
      throw error;
    } finally {
      this.writing = new Map();
    }
  }
}
