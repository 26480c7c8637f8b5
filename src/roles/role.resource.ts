import { OmitType, PartialType } from '@nestjs/mapped-types';
import { IsBoolean } from 'class-validator';
import { RightsDto } from '../access/grants';
import { assertMayGrant } from '../access/escalation';
import { Optional, ScopeId, Text, Title } from '../validation/validation';
import {
  propertiesOf,
  type CrudResource,
} from '../resources/resource-definition';
import { Role } from './role.entity';
import { assertHoldersNotWidened } from './role-holders';

// No property initializers here: PartialType would copy them into PATCH bodies.
export class CreateRoleDto extends RightsDto {
  /** Chosen by the creator, like category and group ids. */
  @ScopeId()
  id: string;

  @Title()
  title: string;

  @Optional()
  @Text(1000)
  description?: string;

  @Optional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateRoleDto extends PartialType(
  OmitType(CreateRoleDto, ['id']),
  {
    skipNullProperties: false,
  },
) {}

export const ROLES: CrudResource<Role> = {
  name: 'roles',
  noun: 'role',
  entity: Role,
  clientIds: true,
  // Roles are not scoped records: anyone may read them (SPEC §12).
  scope: {},
  defaults: {
    description: '',
    enabled: true,
    privileges: [],
    categories: [],
    groups: [],
  },
  createDto: CreateRoleDto,
  updateDto: UpdateRoleDto,
  fields: propertiesOf<Role>()(
    'title',
    'description',
    'enabled',
    'privileges',
    'categories',
    'groups',
  ),
  references: [
    { property: 'categories', target: 'categories', many: true },
    { property: 'groups', target: 'groups', many: true },
  ],
  rules: {
    // Both what it holds now and what it would hold: a caller may not enable,
    // rename or narrow a role that grants more than the caller has (SPEC §12).
    beforeWrite(caller, next, stored) {
      if (stored) assertMayGrant(caller, stored);
      assertMayGrant(caller, next);
    },
    beforeDelete(caller, stored) {
      assertMayGrant(caller, stored);
    },
    // Then what the change does to the role's holders (SPEC §20).
    beforeCommit: assertHoldersNotWidened,
  },
  grantsRights: 'role',
};
