import { PartialType } from '@nestjs/mapped-types';
import { GroupWatchDto } from '../resources/shared.dto';
import {
  propertiesOf,
  type CrudResource,
} from '../resources/resource-definition';
import { Monitor } from './monitor.entity';

export class CreateMonitorDto extends GroupWatchDto {}

export class UpdateMonitorDto extends PartialType(CreateMonitorDto, {
  skipNullProperties: false,
}) {}

export const MONITORS: CrudResource<Monitor> = {
  name: 'monitors',
  noun: 'monitor',
  entity: Monitor,
  clientIds: false,
  scope: { groups: 'groups' },
  defaults: { groups: [], expression: '' },
  createDto: CreateMonitorDto,
  updateDto: UpdateMonitorDto,
  fields: propertiesOf<Monitor>()('title', 'groups', 'expression'),
  references: [{ property: 'groups', target: 'groups', many: true }],
};
