import { PartialType } from '@nestjs/mapped-types';
import {
  IsBoolean,
  IsISO8601,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { GrantsDto } from '../auth/grants';
import { NoAngleBrackets, Optional } from '../common/validation';

// No property initializers here: PartialType would copy them into PATCH bodies.
export class CreateApiKeyDto extends GrantsDto {
  @IsString()
  @Length(1, 100)
  @NoAngleBrackets()
  title: string;

  @Optional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @Optional()
  @IsInt()
  @Min(0)
  @Max(100000)
  max_per_sec?: number;

  /** null: never expires. Must be in the future (checked by the service, against the clock). */
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  expires_at?: string | null;

  @Optional()
  @IsBoolean()
  active?: boolean;
}

export class UpdateApiKeyDto extends PartialType(CreateApiKeyDto, {
  skipNullProperties: false,
}) {}

export class RotateApiKeyDto {
  @Optional()
  @IsInt()
  @Min(0)
  @Max(604800)
  grace_seconds?: number;
}

export interface ApiKeyView {
  id: string;
  title: string;
  description: string;
  mask: string;
  active: boolean;
  privileges: string[];
  categories: string[];
  groups: string[];
  roles: string[];
  max_per_sec: number;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
  last_used_at: string | null;
  created_by: string;
}
