import { PartialType } from '@nestjs/mapped-types';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import {
  NoAngleBrackets,
  Optional,
  ScopeId,
  Text,
} from '../validation/validation';
import {
  propertiesOf,
  type CrudResource,
} from '../resources/resource-definition';
import { TICKET_STATUSES, Ticket } from './ticket.entity';

export class CreateTicketDto {
  @IsString()
  @Length(1, 200)
  @NoAngleBrackets()
  subject: string;

  @Optional()
  @Text(100_000)
  body?: string;

  /** null: no category, visible only to callers unrestricted on categories. */
  @IsOptional()
  @ScopeId()
  category?: string | null;

  @Optional()
  @IsIn(TICKET_STATUSES)
  status?: (typeof TICKET_STATUSES)[number];
}

export class UpdateTicketDto extends PartialType(CreateTicketDto, {
  skipNullProperties: false,
}) {}

export const TICKETS: CrudResource<Ticket> = {
  name: 'tickets',
  noun: 'ticket',
  entity: Ticket,
  clientIds: false,
  scope: { category: 'category' },
  defaults: { body: '', category: null, status: 'open' },
  createDto: CreateTicketDto,
  updateDto: UpdateTicketDto,
  fields: propertiesOf<Ticket>()('subject', 'body', 'category', 'status'),
  references: [{ property: 'category', target: 'categories', many: false }],
};
