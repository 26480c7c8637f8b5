import { Column, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../database/columns';

/** The columns every guarded record has (SPEC §9); lists are ordered by creation. */
@Index(['createdAt', 'id'])
export abstract class RecordBase {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @InstantColumn()
  createdAt: Date;

  @InstantColumn()
  updatedAt: Date;

  @Column({ type: 'varchar', length: 100 })
  createdBy: string;
}
