import { PartialType } from '@nestjs/mapped-types';
import { Optional, Text } from '../validation/validation';
import { GroupWatchDto } from '../resources/shared.dto';
import {
  propertiesOf,
  type CrudResource,
} from '../resources/resource-definition';
import { Alert } from './alert.entity';

export class CreateAlertDto extends GroupWatchDto {
  @Optional()
  @Text(1000)
  message?: string;
}

export class UpdateAlertDto extends PartialType(CreateAlertDto, {
  skipNullProperties: false,
}) {}

export const ALERTS: CrudResource<Alert> = {
  name: 'alerts',
  noun: 'alert',
  entity: Alert,
  clientIds: false,
  scope: { groups: 'groups' },
  defaults: { groups: [], expression: '', message: '' },
  createDto: CreateAlertDto,
  updateDto: UpdateAlertDto,
  fields: propertiesOf<Alert>()('title', 'groups', 'expression', 'message'),
  references: [{ property: 'groups', target: 'groups', many: true }],
};
