import { IdList, Optional, PrivilegeList } from '../common/validation';
import { IdListColumn } from '../database/columns';

/** What a user or an API key is granted: privileges, and the scope it is restricted to. */
export abstract class GrantColumns {
  @IdListColumn()
  privileges: string[];

  /** Category ids; empty means unrestricted. */
  @IdListColumn()
  categories: string[];

  /** Server group ids; empty means unrestricted. */
  @IdListColumn()
  groups: string[];
}

/** The same three fields in a request body, each optional. */
export abstract class GrantsDto {
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
