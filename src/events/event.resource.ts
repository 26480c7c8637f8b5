import { PartialType } from '@nestjs/mapped-types';
import { IsBoolean } from 'class-validator';
import {
  IdList,
  Optional,
  ScopeId,
  Text,
  Title,
} from '../validation/validation';
import {
  propertiesOf,
  type CrudResource,
} from '../resources/resource-definition';
import { Event } from './event.entity';

export class CreateEventDto {
  @Title()
  title: string;

  @ScopeId()
  category: string;

  @Optional()
  @IdList()
  targets?: string[];

  @Optional()
  @IsBoolean()
  enabled?: boolean;

  @Optional()
  @Text(10000)
  command?: string;

  @Optional()
  @Text(10000)
  notes?: string;
}

export class UpdateEventDto extends PartialType(CreateEventDto, {
  skipNullProperties: false,
}) {}

export const EVENTS: CrudResource<Event> = {
  name: 'events',
  noun: 'event',
  entity: Event,
  clientIds: false,
  scope: { category: 'category', groups: 'targets' },
  defaults: { targets: [], enabled: true, command: '', notes: '' },
  createDto: CreateEventDto,
  updateDto: UpdateEventDto,
  fields: propertiesOf<Event>()(
    'title',
    'category',
    'targets',
    'enabled',
    'command',
    'notes',
  ),
  references: [
    { property: 'category', target: 'categories', many: false },
    { property: 'targets', target: 'groups', many: true },
  ],
};
