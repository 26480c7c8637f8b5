import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { Public } from '../access/policy.decorator';
import { auditContextOf } from '../audit/audit-context';
import { ClientFailures } from '../rate-limits/client-failures';
import { Answers, MayFail, Summary } from '../validation/schema';
import { RECEIVED_SCHEMA, RevokeLeakedDto } from './api-key.dto';
import { LeakedKeys } from './leaked-keys';

/**
 * POST /api/keys/revoke-leaked (SPEC §19), public, as GitHub's: anyone who
 * finds keys in the open hands them in. Always `202 {"received": n}`: the
 * answer never says what matched. Each call counts as one failed
 * authentication of its IP (AUTH_FAILURE_LIMIT, §7), and an IP over that
 * limit is refused 429 before anything is hashed.
 */
@Controller('keys')
export class LeakedKeysController {
  constructor(
    private readonly leaked: LeakedKeys,
    private readonly failures: ClientFailures,
  ) {}

  @Post('revoke-leaked')
  @Summary('Hand in leaked API keys; any active key among them is disabled')
  @Public()
  @HttpCode(202)
  @Answers(202, RECEIVED_SCHEMA, 'Received; nothing says whether any matched')
  @MayFail('too_many_failures')
  async revoke(@Body() dto: RevokeLeakedDto, @Req() req: Request) {
    const context = auditContextOf(req);
    await this.failures.gate(context.ip);
    await this.failures.count(context.ip);
    await this.leaked.revoke(dto.keys, context);
    return { received: dto.keys.length };
  }
}
