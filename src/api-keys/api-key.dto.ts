import { PartialType } from '@nestjs/mapped-types';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsISO8601,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { GrantsDto } from '../access/grants';
import {
  bool,
  instant,
  integer,
  listOf,
  named,
  orNull,
  strict,
  text,
} from '../validation/schema';
import { NoAngleBrackets, Optional, PageQuery } from '../validation/validation';
import { BoundedList, type ListRule, quoted } from '../validation/bounded-list';
import { isIpOrCidr } from '../http/client-ip';
import { IP_POLICIES, type IpPolicy } from './api-key.entity';

const IP_LIST: ListRule = {
  max: 100,
  isItem: isIpOrCidr,
  items: {
    type: 'string',
    description: 'An IPv4 or IPv6 address, or a CIDR block (10.0.0.0/8)',
  },
  describeInvalid: (invalid) =>
    `must hold IPv4/IPv6 addresses or CIDR blocks, not ${quoted(invalid)}`,
};

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

  /** At most 100 IPv4/IPv6 addresses or CIDR blocks; [] = any IP (SPEC §19). */
  @Optional()
  @BoundedList(IP_LIST)
  allowed_ips?: string[];

  @Optional()
  @IsIn(IP_POLICIES)
  ip_policy?: IpPolicy;
}

export class UpdateApiKeyDto extends PartialType(CreateApiKeyDto, {
  skipNullProperties: false,
}) {}

export const KEY_STATUSES = ['active', 'disabled', 'expired'] as const;
export type KeyStatus = (typeof KEY_STATUSES)[number];

/** GET /api/keys: a page, and the filters of SPEC §19 (all given must match). */
export class KeyListQuery extends PageQuery {
  /** `disabled` wins over `expired`: a key both is `disabled`. */
  @Optional()
  @IsIn(KEY_STATUSES)
  status?: KeyStatus;

  /** Keys with an expires_at before this instant (keys that never expire are left out). */
  @Optional()
  @IsISO8601({ strict: true, strictSeparator: true })
  expires_before?: string;

  /** A case-insensitive substring of the title, the description or the id; empty: any. */
  @Optional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

/** Candidates: any strings (a key is 20–128 characters; longer ones cannot match). */
const LEAKED_LIST: ListRule = {
  max: 1000,
  min: 1,
  duplicates: 'allowed',
  isItem: (item) =>
    typeof item === 'string' && item.length > 0 && item.length <= 256,
  items: { type: 'string', minLength: 1, maxLength: 256 },
  describeInvalid: (invalid) =>
    `must hold strings of 1-256 characters, not ${quoted(invalid, 3)}`,
};

/** POST /api/keys/revoke-leaked (SPEC §19). */
export class RevokeLeakedDto {
  @BoundedList(LEAKED_LIST)
  keys: string[];
}

export const RECEIVED_SCHEMA = named('LeakedKeysReceived', () =>
  strict({ received: integer({ minimum: 1, maximum: 1000 }) }),
);

/** GET /api/keys/:id/usage: the last `days` UTC days, today included. */
export class KeyUsageQuery {
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(90)
  days = 14;
}

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
  allowed_ips: string[];
  ip_policy: IpPolicy;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
  last_used_at: string | null;
  last_used_ip: string | null;
  created_by: string;
}

const ids = listOf(text());

const keyFields = () => ({
  id: text(),
  title: text(),
  description: text(),
  mask: text({ pattern: '^[A-Za-z0-9]{4}\\*{8}[A-Za-z0-9]{4}$' }),
  active: bool,
  privileges: ids,
  categories: ids,
  groups: ids,
  roles: ids,
  max_per_sec: integer({ minimum: 0 }),
  allowed_ips: listOf(text({ maxLength: 64 })),
  ip_policy: text({ enum: [...IP_POLICIES] }),
  expires_at: orNull(instant),
  created_at: instant,
  updated_at: instant,
  last_used_at: orNull(instant),
  last_used_ip: orNull(text()),
  created_by: text(),
});

/** The wire shape of an API key (SPEC §3); never its secret or digest. */
export const API_KEY_SCHEMA = named('ApiKey', () => strict(keyFields()));

const count = integer({ minimum: 0 });

/** GET /api/keys/:id/usage (SPEC §19). */
export const KEY_USAGE_SCHEMA = named('ApiKeyUsage', () =>
  strict({
    days: listOf(
      strict({
        date: text({ format: 'date' }),
        success: count,
        denied: count,
        rate_limited: count,
      }),
    ),
    routes: listOf(
      strict({
        route: text({ description: '`METHOD /api/pattern`' }),
        count,
      }),
    ),
    privileges_used: ids,
    unused_privileges: ids,
  }),
);

/** Create and rotate answer the record plus the plaintext, once. */
export const API_KEY_WITH_SECRET_SCHEMA = named('ApiKeyWithSecret', () =>
  strict({ ...keyFields(), key: text({ pattern: '^[A-Za-z0-9]{20,128}$' }) }),
);
