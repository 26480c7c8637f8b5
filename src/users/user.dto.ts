import { PartialType } from '@nestjs/mapped-types';
import { IsBoolean, IsString, Matches, MaxLength } from 'class-validator';
import { GrantsDto } from '../access/grants';
import { NoAngleBrackets, Optional } from '../validation/validation';
import { AllowedPassword } from './password-policy';
import type { UserSource } from './user.entity';

export const USERNAME = /^[A-Za-z0-9_.-]{1,64}$/;

// No property initializers here: PartialType would copy them into PATCH bodies.
export class CreateUserDto extends GrantsDto {
  @IsString()
  @Matches(USERNAME, {
    message: 'username must be 1-64 characters of [A-Za-z0-9_.-]',
  })
  username: string;

  @AllowedPassword()
  password: string;

  @Optional()
  @IsString()
  @MaxLength(200)
  @NoAngleBrackets()
  full_name?: string;

  @Optional()
  @IsBoolean()
  active?: boolean;
}

export class UpdateUserDto extends PartialType(CreateUserDto, {
  skipNullProperties: false,
}) {}

export interface UserView {
  username: string;
  full_name: string;
  active: boolean;
  privileges: string[];
  categories: string[];
  groups: string[];
  roles: string[];
  source: UserSource;
  created_at: string;
  updated_at: string;
}
