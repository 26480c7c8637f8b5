import {
  ArgumentMetadata,
  Injectable,
  applyDecorators,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidationOptions,
  registerDecorator,
} from 'class-validator';
import { AppError, FieldError } from '../http/app-error';
import { BoundedList, ListRule, oversizedLists, quoted } from './bounded-list';
import { reservedKeyErrors } from './reserved-keys';

/**
 * The global pipe: strips nothing silently (unknown properties are a 400), turns
 * plain JSON into DTO instances, and reports every failing field.
 */
@Injectable()
export class AppValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => AppError.validation(flatten(errors)),
    });
  }

  /** Query DTOs that an empty query was once found to satisfy. */
  private readonly emptyQueryValid = new WeakSet<object>();

  override async transform(value: unknown, metadata: ArgumentMetadata) {
    // Express 5 leaves req.body undefined when a request has no body.
    if (metadata.type === 'body' && value === undefined) value = {};
    const validated = metadata.metatype && this.toValidate(metadata);
    if (validated && metadata.type === 'query' && isEmptyObject(value)) {
      return this.emptyQuery(value, metadata);
    }
    if (
      validated &&
      metadata.type === 'body' &&
      (typeof value !== 'object' || value === null || Array.isArray(value))
    ) {
      throw AppError.invalidField('body', 'must be a JSON object');
    }
    if (validated && typeof value === 'object' && value !== null) {
      const oversized = oversizedLists(
        metadata.metatype as new () => object,
        value as Record<string, unknown>,
      );
      if (oversized.length > 0) throw AppError.validation(oversized);
      const reserved = reservedKeyErrors(value);
      if (reserved.length > 0) return this.refuse(reserved, value, metadata);
    }
    return (await super.transform(value, metadata)) as unknown;
  }

  /** A 400 listing `reserved` with whatever else the full check finds wrong. */
  private async refuse(
    reserved: FieldError[],
    value: unknown,
    metadata: ArgumentMetadata,
  ): Promise<never> {
    try {
      await super.transform(value, metadata);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'validation_failed') {
        throw error;
      }
      const others = (error.extras.errors ?? []) as FieldError[];
      throw AppError.validation([...others, ...reserved]);
    }
    throw AppError.validation(reserved);
  }

  /**
   * A list without parameters (GET /api/categories) is the commonest query,
   * and its answer never varies: the DTO's defaults, or the same 400. Once the
   * full check has passed for a DTO, a fresh instance is that answer, without
   * class-transformer and class-validator (about 40 µs of such a request).
   */
  private async emptyQuery(
    value: object,
    metadata: ArgumentMetadata,
  ): Promise<unknown> {
    const type = metadata.metatype as new () => object;
    if (this.emptyQueryValid.has(type)) return new type();
    const result = (await super.transform(value, metadata)) as unknown;
    this.emptyQueryValid.add(type);
    return result;
  }
}

const isEmptyObject = (value: unknown): value is object =>
  typeof value === 'object' &&
  value !== null &&
  Object.keys(value).length === 0;

export function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix + error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message,
    }));
    return [...own, ...flatten(error.children ?? [], `${field}.`)];
  });
}

/**
 * The property may be left out, but when present it must pass the other rules:
 * unlike `@IsOptional()`, a `null` is validated (and so refused) too.
 */
export function Optional(): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined);
}

/** No `<` or `>`: titles end up in web pages. */
export function NoAngleBrackets(
  options?: ValidationOptions,
): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'noAngleBrackets',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must not contain < or >', ...options },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && !/[<>]/.test(value),
      },
    });
}

/** `limit` (1–1000, default 100) and `offset` (default 0) of every list. */
export class PageQuery {
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit = 100;

  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  offset = 0;
}

export interface Page<T> {
  items: T[];
  total: number;
}

/** Ids of categories and groups, chosen by their creator (SPEC §9). */
export const SCOPE_ID = /^[a-z0-9_-]{1,64}$/;

/** Category, group (and role) ids of a body: at most 1000, each of the id form, no duplicates. */
export const ID_LIST: ListRule = {
  max: 1000,
  isItem: (item) => typeof item === 'string' && SCOPE_ID.test(item),
  items: { type: 'string', pattern: SCOPE_ID.source },
  describeInvalid: (invalid) =>
    `must hold ids of 1-64 characters of [a-z0-9_-], not ${quoted(invalid)}`,
};

export function IdList(): PropertyDecorator {
  return BoundedList(ID_LIST);
}

/** A display title: 1–100 characters, no `<` or `>`. */
export function Title(): PropertyDecorator {
  return applyDecorators(IsString(), Length(1, 100), NoAngleBrackets());
}

/** Free text up to `max` characters. */
export function Text(max: number): PropertyDecorator {
  return applyDecorators(IsString(), MaxLength(max));
}

/** One category or group id, of the form creators choose (SPEC §9). */
export function ScopeId(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    Matches(SCOPE_ID, {
      message: '$property must be 1-64 characters of [a-z0-9_-]',
    }),
  );
}
