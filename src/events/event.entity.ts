import { Column, Entity, Index } from 'typeorm';
import { IdListColumn } from '../database/columns';
import { RecordBase } from '../resources/record-base';

/** Lists filter by category and order by creation time. */
@Index(['category', 'createdAt', 'id'])
@Entity('events')
export class Event extends RecordBase {
  @Column({ type: 'varchar', length: 100 })
  title: string;

  @Column({ type: 'varchar', length: 64 })
  category: string;

  /** Server group ids the event runs on. */
  @IdListColumn()
  targets: string[];

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ type: 'text', default: '' })
  command: string;

  @Column({ type: 'text', default: '' })
  notes: string;
}
