import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { GrantColumns } from '../access/grants';
import { InstantColumn } from '../database/columns';

@Entity('users')
export class User extends GrantColumns {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 64 })
  username: string;

  /** Lower-cased username under a unique index: usernames are unique case-insensitively. */
  @Column({ type: 'varchar', length: 64, unique: true })
  usernameKey: string;

  @Column({ type: 'varchar', length: 200, default: '' })
  fullName: string;

  @Column({ type: 'varchar', length: 300 })
  passwordHash: string;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @InstantColumn()
  createdAt: Date;

  @InstantColumn()
  updatedAt: Date;
}
