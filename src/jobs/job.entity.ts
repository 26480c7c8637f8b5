import { Column, Entity, Index } from 'typeorm';
import { IdListColumn } from '../database/columns';
import { RecordBase } from '../resources/record-base';

export const FINISHED_STATES = ['completed', 'failed', 'aborted'];
export const JOB_STATES = ['queued', 'running', ...FINISHED_STATES];

@Index(['category', 'createdAt', 'id'])
/** A run of an event; its scope is copied from the event at run time, so it outlives later edits. */
@Entity('jobs')
export class Job extends RecordBase {
  /** Not a foreign key: a job's record stays when its event is deleted. */
  @Index()
  @Column({ type: 'varchar', length: 64 })
  eventId: string;

  @Column({ type: 'varchar', length: 64 })
  category: string;

  @IdListColumn()
  targets: string[];

  @Column({ type: 'varchar', length: 16, default: 'queued' })
  state: string;
}
