import type { SchemaObject } from '@nestjs/swagger';
import { snakeCase } from '../validation/naming';
import { dtoSchema } from '../validation/dto-schema';
import {
  instant,
  named,
  type Schema,
  strict,
  text,
} from '../validation/schema';
import type { ResourceDefinition } from './resource-definition';

const pascal = (noun: string) =>
  noun.replace(/(^|[_ ])(\w)/g, (_m, _s, c: string) => c.toUpperCase());

/**
 * The record a resource's routes answer, read from its definition: the id,
 * each wire field with the schema its create body gives it (or
 * `fieldSchemas`), and the timestamps. A new resource is documented by
 * declaring it; nothing here changes.
 */
export function recordSchema(definition: ResourceDefinition): Schema {
  return named(pascal(definition.noun), () => {
    const body: Record<string, Schema> = definition.createDto
      ? (dtoSchema(definition.createDto).properties ?? {})
      : {};
    const fieldSchema = (wire: string): Schema => {
      const schema = definition.fieldSchemas?.[wire] ?? body[wire];
      if (!schema) {
        throw new Error(`${definition.name}: no schema for the field ${wire}`);
      }
      // A default is what a request may leave out; a record always has the field.
      const rest: SchemaObject = { ...(schema as SchemaObject) };
      delete rest.default;
      return rest;
    };
    return strict({
      id: body.id ?? text(),
      ...Object.fromEntries(
        definition.fields.map((property) => {
          const wire = definition.wireNames?.[property] ?? snakeCase(property);
          return [wire, fieldSchema(wire)];
        }),
      ),
      created_at: instant,
      updated_at: instant,
      created_by: text(),
    });
  });
}
