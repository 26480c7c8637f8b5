import { Column, Entity } from 'typeorm';
import { RecordBase } from '../resources/record-base';

@Entity('server_groups')
export class Group extends RecordBase {
  @Column({ type: 'varchar', length: 100 })
  title: string;

  @Column({ type: 'varchar', length: 1000, default: '' })
  description: string;

  /** A regular expression matched against server hostnames. */
  @Column({ type: 'varchar', length: 1000, default: '' })
  hostnameMatch: string;
}
