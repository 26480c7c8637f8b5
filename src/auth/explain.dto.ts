import { Transform, Type } from 'class-transformer';
import {
  Allow,
  IsIn,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { Optional } from '../validation/validation';

export const EXPLAINED_METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
] as const;

/** Another caller to explain for (admins only): a key by id, or a user by name. Exactly one. */
export class ExplainAsDto {
  @Optional()
  @IsString()
  @Length(1, 32)
  api_key_id?: string;

  @Optional()
  @IsString()
  @Length(1, 64)
  username?: string;
}

/** POST /api/auth/explain (SPEC §19): a request to decide, without making it. */
export class ExplainDto {
  /** HTTP methods are case-sensitive, but "get" can only mean GET. */
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.toUpperCase() : value,
  )
  @IsIn(EXPLAINED_METHODS)
  method: string;

  /** As it would be sent: `/api/events/e1`; a query string is ignored. */
  @IsString()
  @MaxLength(2048)
  @Matches(/^\/[^\s]*$/, {
    message: 'path must start with / and hold no spaces',
  })
  path: string;

  /** The body the request would carry (before validation: scope reads it as sent). */
  @Optional()
  @Allow()
  body?: unknown;

  @Optional()
  @ValidateNested()
  @Type(() => ExplainAsDto)
  as?: ExplainAsDto;
}
