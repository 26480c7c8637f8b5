import { OmitType, PartialType } from '@nestjs/mapped-types';
import { NamedRecordDto } from '../resources/shared.dto';
import {
  propertiesOf,
  type CrudResource,
} from '../resources/resource-definition';
import { Category } from './category.entity';

export class CreateCategoryDto extends NamedRecordDto {}

export class UpdateCategoryDto extends PartialType(
  OmitType(CreateCategoryDto, ['id']),
  { skipNullProperties: false },
) {}

export const CATEGORIES: CrudResource<Category> = {
  name: 'categories',
  noun: 'category',
  entity: Category,
  clientIds: true,
  // A category's scope is its own id.
  scope: { category: 'id' },
  defaults: { description: '' },
  createDto: CreateCategoryDto,
  updateDto: UpdateCategoryDto,
  fields: propertiesOf<Category>()('title', 'description'),
  references: [],
};
