import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { Authenticated } from '../access/policy.decorator';
import {
  Answers,
  bool,
  listOf,
  MayFail,
  named,
  strict,
  Summary,
  text,
} from '../validation/schema';
import { ExplainDto } from './explain.dto';
import { ExplainService } from './explain.service';
import { ChecksWithoutConsuming } from './route-facts';

const CHECK_SCHEMA = named('ExplainedCheck', () =>
  strict(
    {
      check: text({
        enum: [
          'route',
          'credential',
          'ip',
          'rate_limit',
          'privileges',
          'scope',
        ],
      }),
      result: text({ enum: ['pass', 'fail', 'skip'] }),
      code: text({ description: 'The error code a real request would get' }),
      detail: text(),
      missing_privileges: listOf(text()),
      fix: text({ description: 'The smallest change that would pass' }),
    },
    ['code', 'missing_privileges', 'fix'],
  ),
);

const EXPLANATION_SCHEMA = named('Explanation', () =>
  strict({ allowed: bool, checks: listOf(CHECK_SCHEMA) }),
);

@Controller('auth')
export class ExplainController {
  constructor(private readonly explainer: ExplainService) {}

  /**
   * The caller's own checks on this route are made without consuming its
   * rate allowance: asking why must not use up what it asks about.
   */
  @Post('explain')
  @Summary('Explain whether a request would be allowed, and why')
  @Authenticated()
  @ChecksWithoutConsuming(true)
  @HttpCode(200)
  @Answers(200, EXPLANATION_SCHEMA)
  @MayFail('missing_privilege', 'not_found')
  explain(@Body() dto: ExplainDto, @Req() req: Request) {
    return this.explainer.explain(dto, req);
  }
}
