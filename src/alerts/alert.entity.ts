import { Column, Entity } from 'typeorm';
import { IdListColumn } from '../database/columns';
import { RecordBase } from '../resources/record-base';

@Entity('alerts')
export class Alert extends RecordBase {
  @Column({ type: 'varchar', length: 100 })
  title: string;

  @IdListColumn()
  groups: string[];

  @Column({ type: 'text', default: '' })
  expression: string;

  @Column({ type: 'text', default: '' })
  message: string;
}
