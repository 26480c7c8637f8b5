import { BoundedList, quoted, type ListRule } from '../validation/bounded-list';
import { IdList, Optional } from '../validation/validation';
import { IdListColumn } from '../database/columns';
import { PRIVILEGE_IDS, isPrivilege } from './privileges';

/** Privilege ids from the catalog: at most the catalog's size; unknown ids are named. */
export const PRIVILEGE_LIST: ListRule = {
  max: PRIVILEGE_IDS.length,
  isItem: isPrivilege,
  items: { type: 'string', enum: PRIVILEGE_IDS },
  describeInvalid: (invalid) => `unknown privileges: ${quoted(invalid)}`,
};

export function PrivilegeList(): PropertyDecorator {
  return BoundedList(PRIVILEGE_LIST);
}

/** What a user or an API key is granted: privileges, scope, and roles. */
export abstract class GrantColumns {
  @IdListColumn()
  privileges: string[];

  /** Category ids; empty means unrestricted. */
  @IdListColumn()
  categories: string[];

  /** Server group ids; empty means unrestricted. */
  @IdListColumn()
  groups: string[];

  /** Role ids (SPEC §12); each must exist. */
  @IdListColumn()
  roles: string[];
}

/** Privileges and scope in a request body (users, keys and roles), each optional. */
export abstract class RightsDto {
  @Optional()
  @PrivilegeList()
  privileges?: string[];

  @Optional()
  @IdList()
  categories?: string[];

  @Optional()
  @IdList()
  groups?: string[];
}

/** The grants of a user or key in a request body: rights and roles. */
export abstract class GrantsDto extends RightsDto {
  @Optional()
  @IdList()
  roles?: string[];
}
