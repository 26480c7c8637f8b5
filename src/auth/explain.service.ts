import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ApiKeyVerifier } from '../api-keys/api-key.verifier';
import { describeCaller, isAdmin, type Principal } from '../access/principal';
import type { Policy } from '../access/policy.decorator';
import { authOf, type RequestAuth } from '../access/request-auth';
import { AppError } from '../http/app-error';
import { SessionVerifier } from '../sessions/session.verifier';
import { isoInstant } from '../time/instants';
import { AccessDecision } from './access-decision';
import {
  type CheckOutcome,
  failedOutcome,
  NOT_REACHED,
  routeFacts,
} from './checks/check';
import type { ExplainAsDto, ExplainDto } from './explain.dto';
import { RouteMatcher } from './route-matcher';

export interface Explanation {
  allowed: boolean;
  checks: CheckOutcome[];
}

/** Who is explained for: the caller, or (admins) another one, with its credential's refusal. */
interface Subject {
  auth: RequestAuth;
  refusal: AppError | null;
  /** Explained for another caller (`as`). */
  other: boolean;
}

/** A route that declares no policy is admin-only (policy.decorator.ts). */
const ADMIN_ONLY: Policy = { kind: 'privileges', privileges: ['admin'] };

const CREDENTIAL_FIXES: Partial<Record<string, string>> = {
  api_key_disabled: 'enable the key (active: true)',
  api_key_expired: 'set a later expires_at, or none',
  account_disabled: 'enable the user (active: true)',
};

/**
 * POST /api/auth/explain (SPEC §19): the checks a request would meet, in
 * order, each passed, failed (with the refusal's code and the smallest fix)
 * or skipped, by the same decision function the guard runs, dry.
 */
@Injectable()
export class ExplainService {
  constructor(
    private readonly decision: AccessDecision,
    private readonly matcher: RouteMatcher,
    private readonly keys: ApiKeyVerifier,
    private readonly sessions: SessionVerifier,
  ) {}

  async explain(dto: ExplainDto, req: Request): Promise<Explanation> {
    const caller = authOf(req)!;
    const as = dto.as && subjectOf(dto.as);
    if (as && !isAdmin(caller.principal)) throw adminOnly(caller.principal);
    const matched = this.matcher.match(dto.method, dto.path);
    if (!matched) {
      return {
        allowed: false,
        checks: [
          {
            check: 'route',
            result: 'fail',
            code: 'not_found',
            detail: `No route of the API takes ${dto.method} ${dto.path.split('?', 1)[0]}.`,
          },
        ],
      };
    }
    const policy = matched.info.policy ?? ADMIN_ONLY;
    if (policy.kind === 'public') return this.publicRoute();
    const subject = as
      ? await this.other(as)
      : { auth: caller, refusal: null, other: false };
    const credential = credentialOutcome(subject);
    const route = routeFacts(policy, matched.info.scope);
    const rest =
      credential.result === 'fail'
        ? this.lines().map((check) => skipped(check, NOT_REACHED))
        : await this.decision.explain(subject.auth, route, {
            method: dto.method,
            params: matched.params,
            body: dto.body,
            ip: req.ip,
            path: matched.info.path,
          });
    const checks = onCredentialLine(credential, rest);
    return { allowed: checks.every((c) => c.result !== 'fail'), checks };
  }

  /** The decision's lines after the credential's, each name once, in order. */
  private lines(): CheckOutcome['check'][] {
    return [...new Set(this.decision.names)].filter(
      (name) => name !== 'credential',
    );
  }

  private publicRoute(): Explanation {
    const why = 'The route is public: it needs no credential and checks none.';
    return {
      allowed: true,
      checks: [
        skipped('credential', why),
        ...this.lines().map((check) => skipped(check, why)),
      ],
    };
  }

  private async other(as: Target): Promise<Subject> {
    const found =
      as.kind === 'api_key'
        ? await this.keys.explain(as.id)
        : await this.sessions.explain(as.id);
    if (!found) {
      throw AppError.notFound(
        as.kind === 'api_key'
          ? `No API key with id "${as.id}".`
          : `No user "${as.id}".`,
      );
    }
    return { ...found, other: true };
  }
}

type Target = { kind: 'api_key' | 'user'; id: string };

function subjectOf(as: ExplainAsDto): Target {
  const { api_key_id: keyId, username } = as;
  if ((keyId === undefined) === (username === undefined)) {
    throw AppError.invalidField(
      'as',
      'must name exactly one of api_key_id and username',
    );
  }
  return keyId !== undefined
    ? { kind: 'api_key', id: keyId }
    : { kind: 'user', id: username! };
}

function adminOnly(principal: Principal): AppError {
  return new AppError(
    403,
    'missing_privilege',
    `${describeCaller(principal)} lacks the privilege admin, which explaining for another caller ("as") needs.`,
    { required_privileges: ['admin'], missing_privileges: ['admin'] },
  );
}

function credentialOutcome(subject: Subject): CheckOutcome {
  const { principal } = subject.auth;
  if (subject.refusal) {
    return failedOutcome(
      'credential',
      subject.refusal,
      CREDENTIAL_FIXES[subject.refusal.code],
    );
  }
  const who =
    principal.type === 'api_key'
      ? `${describeCaller(principal)} is active${principal.expiresAt ? ` until ${isoInstant(principal.expiresAt.getTime())}` : ''}.`
      : `${describeCaller(principal)} ${subject.other ? 'is active' : 'has a valid session'}.`;
  return { check: 'credential', result: 'pass', detail: who };
}

/**
 * Step-up (SPEC §18) is a check of the decision that SPEC §19 names no line
 * for: it reports on the credential's (the session's strength). Its refusal
 * becomes that line; a pass or skip leaves the line as it was.
 */
function onCredentialLine(
  credential: CheckOutcome,
  rest: CheckOutcome[],
): CheckOutcome[] {
  const refused = rest.find(
    (line) => line.check === 'credential' && line.result === 'fail',
  );
  return [
    refused ?? credential,
    ...rest.filter((line) => line.check !== 'credential'),
  ];
}

const skipped = (
  check: CheckOutcome['check'],
  detail: string,
): CheckOutcome => ({
  check,
  result: 'skip',
  detail,
});
