import { PartialType } from '@nestjs/mapped-types';
import { IdList, Optional, Text, Title } from '../common/validation';
import type { ResourceDefinition } from '../resources/resource-definition';
import { Alert } from './alert.entity';

export class CreateAlertDto {
  @Title()
  title: string;

  @Optional()
  @IdList()
  groups?: string[];

  @Optional()
  @Text(1000)
  expression?: string;

  @Optional()
  @Text(1000)
  message?: string;
}

export class UpdateAlertDto extends PartialType(CreateAlertDto, {
  skipNullProperties: false,
}) {}

export const ALERTS: ResourceDefinition<Alert> = {
  name: 'alerts',
  noun: 'alert',
  entity: Alert,
  clientIds: false,
  scope: { groups: 'groups' },
  defaults: { groups: [], expression: '', message: '' },
  createDto: CreateAlertDto,
  updateDto: UpdateAlertDto,
  fields: {
    title: 'title',
    groups: 'groups',
    expression: 'expression',
    message: 'message',
  },
  references: [{ property: 'groups', target: 'groups', many: true }],
};
