import { Column, Entity, EntityManager, In } from 'typeorm';
import { IdListColumn } from '../database/columns';
import { RecordBase } from '../resources/record-base';

/** A named bundle of privileges and scope, assigned to users and keys (SPEC §12). */
@Entity('roles')
export class Role extends RecordBase {
  @Column({ type: 'varchar', length: 100 })
  title: string;

  @Column({ type: 'varchar', length: 1000, default: '' })
  description: string;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @IdListColumn()
  privileges: string[];

  @IdListColumn()
  categories: string[];

  @IdListColumn()
  groups: string[];
}

/** The roles a credential names, for its effective rights; none without a query. */
export async function rolesNamed(
  manager: EntityManager,
  ids: readonly string[],
): Promise<Role[]> {
  if (ids.length === 0) return [];
  return manager.findBy(Role, { id: In([...ids]) });
}
