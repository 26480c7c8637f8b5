import { Column, Entity } from 'typeorm';
import { RecordBase } from '../resources/record-base';

@Entity('categories')
export class Category extends RecordBase {
  @Column({ type: 'varchar', length: 100 })
  title: string;

  @Column({ type: 'varchar', length: 1000, default: '' })
  description: string;
}
