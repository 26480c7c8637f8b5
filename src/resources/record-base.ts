import { Column, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../database/columns';

/** The columns every guarded record has (SPEC §9). */
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
