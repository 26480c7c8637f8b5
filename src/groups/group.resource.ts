import { OmitType, PartialType } from '@nestjs/mapped-types';
import { IsString, MaxLength, registerDecorator } from 'class-validator';
import { Optional } from '../validation/validation';
import { NamedRecordDto } from '../resources/shared.dto';
import {
  propertiesOf,
  type CrudResource,
} from '../resources/resource-definition';
import { Group } from './group.entity';

/** hostname_match must compile as a regular expression. */
function IsRegExp(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isRegExp',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be a valid regular expression' },
      validator: {
        validate: (value: unknown) => {
          try {
            new RegExp(value as string);
            return typeof value === 'string';
          } catch {
            return false;
          }
        },
      },
    });
}

export class CreateGroupDto extends NamedRecordDto {
  @Optional()
  @IsString()
  @MaxLength(1000)
  @IsRegExp()
  hostname_match?: string;
}

export class UpdateGroupDto extends PartialType(
  OmitType(CreateGroupDto, ['id']),
  {
    skipNullProperties: false,
  },
) {}

export const GROUPS: CrudResource<Group> = {
  name: 'groups',
  noun: 'group',
  entity: Group,
  clientIds: true,
  // A group's scope is its own id.
  scope: { groups: 'id', singleGroup: true },
  defaults: { description: '', hostnameMatch: '' },
  createDto: CreateGroupDto,
  updateDto: UpdateGroupDto,
  fields: propertiesOf<Group>()('title', 'description', 'hostnameMatch'),
  references: [],
};
