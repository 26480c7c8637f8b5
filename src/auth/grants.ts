import { IdList, Optional, PrivilegeList } from '../common/validation';
import { IdListColumn } from '../database/columns';

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
