import type { SchemaObject } from '@nestjs/swagger';
import type { Type } from '@nestjs/common';
import { targetConstructorToSchema } from 'class-validator-jsonschema';
import type { ISchemaConverters } from 'class-validator-jsonschema/build/defaultConverters';
import { IS_ISO8601, IS_OPTIONAL, ValidationTypes } from 'class-validator';
import { BOUNDED_LIST, type ListRule } from './bounded-list';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

/** Set on a property whose rules let `null` through (`@IsOptional()`); replaced below. */
const NULLABLE = 'x-opsgate-nullable';

/**
 * The JSON Schema of a DTO, read from the class-validator rules the
 * ValidationPipe enforces, so the document cannot drift from the server.
 * class-validator-jsonschema knows the built-in rules; the converters here
 * cover opsgate's own ones (validation.ts) and what the library leaves out:
 * `@IsOptional()` admits null where our `Optional()` does not, and the
 * pipe's forbidNonWhitelisted refuses unknown properties.
 */
const CONVERTERS: ISchemaConverters = {
  noAngleBrackets: { pattern: '^[^<>]*$' },
  isRegExp: { format: 'regex' },
  // The library writes oneOf [date, date-time]: a validator that does not
  // check formats sees both branches match and refuses every date.
  [IS_ISO8601]: {
    type: 'string',
    anyOf: [{ format: 'date' }, { format: 'date-time' }],
  },
  [BOUNDED_LIST]: (meta: ValidationMetadata) => {
    const rule = meta.constraints[0] as ListRule;
    return {
      type: 'array',
      maxItems: rule.max,
      ...(rule.min !== undefined && { minItems: rule.min }),
      uniqueItems: rule.duplicates !== 'allowed',
      ...(rule.items && { items: rule.items }),
    };
  },
  [ValidationTypes.CONDITIONAL_VALIDATION]: (meta: ValidationMetadata) =>
    meta.name === IS_OPTIONAL ? { [NULLABLE]: true } : {},
  // A nested DTO (`@ValidateNested() @Type(() => X)`) inline, where the
  // library would point at a `#/definitions/X` the document does not have.
  [ValidationTypes.NESTED_VALIDATION]: (meta: ValidationMetadata) => {
    const type = Reflect.getMetadata(
      'design:type',
      (meta.target as Type<object>).prototype as object,
      meta.propertyName,
    ) as Type<object> | undefined;
    return (type ? dtoSchema(type) : { type: 'object' }) as Record<
      string,
      unknown
    >;
  },
};

export function dtoSchema(dto: Type<object>): SchemaObject {
  const schema = targetConstructorToSchema(dto, {
    additionalConverters: CONVERTERS,
  }) as SchemaObject;
  const defaults = new dto() as Record<string, unknown>;
  const properties = Object.fromEntries(
    Object.entries(schema.properties ?? {}).map(([name, property]) => {
      const { [NULLABLE]: nullable, ...rest } = property as Record<
        string,
        unknown
      >;
      const withDefault =
        defaults[name] === undefined
          ? rest
          : { ...rest, default: defaults[name] };
      return [
        name,
        nullable ? { anyOf: [withDefault, { type: 'null' }] } : withDefault,
      ];
    }),
  );
  return {
    type: 'object',
    properties,
    ...(schema.required?.length && { required: schema.required }),
    additionalProperties: false,
  };
}
