import { Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { describeCaller } from '../../access/principal';
import type { RequestAuth } from '../../access/request-auth';
import { auditContextOf } from '../../audit/audit-context';
import { AuditLog } from '../../audit/audit-log';
import { BoundedCache } from '../../cache/bounded-cache';
import { AppError } from '../../http/app-error';
import { normalIp } from '../../http/client-ip';
import { Clock } from '../../time/clock';
import {
  type AccessTarget,
  type Check,
  type Mode,
  SKIP,
  type Verdict,
} from './check';

const HOUR_MS = 3_600_000;
/** Key and IP pairs whose report is remembered: a flood from many IPs cannot exhaust memory. */
const REPORTS_REMEMBERED = 10_000;

/**
 * A key's `allowed_ips` (SPEC §19), first of the checks: a request from
 * outside them is `403 ip_not_allowed` (with `ip`), audited access.denied
 * like every 403; with `ip_policy: report` it passes, and is audited
 * `access.ip_report` once per key and IP per hour. The IP is Express's
 * (TRUST_PROXY), read only for a key that has an allowlist.
 */
@Injectable()
export class IpCheck implements Check {
  readonly name = 'ip';
  private readonly reported = new BoundedCache<true>(REPORTS_REMEMBERED);
  private readonly logger = new Logger('IpCheck');

  constructor(
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  run(
    auth: RequestAuth,
    _route: unknown,
    target: AccessTarget,
    mode: Mode,
    res: Response | null,
  ): Verdict {
    const allowlist = auth.ipAllowlist;
    if (!allowlist) return SKIP;
    const ip = target.ip;
    if (allowlist.allows(ip)) return null;
    const shown = ip === undefined ? 'an unknown address' : normalIp(ip);
    if (auth.ipReportOnly) {
      if (mode === 'enforce' && res) this.report(auth, shown, res.req);
      return null;
    }
    return new AppError(
      403,
      'ip_not_allowed',
      `${describeCaller(auth.principal)} may not be used from ${shown}.`,
      { ip: shown },
    );
  }

  describe(result: 'pass' | 'skip', auth: RequestAuth): string {
    if (result === 'skip') {
      return auth.principal.type === 'api_key'
        ? 'The key may be used from any IP (allowed_ips is empty).'
        : 'Sessions have no IP allowlist.';
    }
    return auth.ipReportOnly
      ? 'The key’s allowed IPs are reported, not enforced (ip_policy report): requests from elsewhere pass and are audited.'
      : 'The client IP is within the key’s allowed IPs.';
  }

  fix(refusal: AppError): string {
    return `add ${String(refusal.extras.ip)} to allowed_ips, or set ip_policy report`;
  }

  /** Once per key and IP per hour; the request does not wait for the entry. */
  private report(auth: RequestAuth, ip: string, req: Request): void {
    const keyId = auth.principal.id;
    const seen = `${keyId} ${ip}`;
    const now = this.clock.now();
    if (this.reported.get(seen, now)) return;
    this.reported.set(seen, true, now, HOUR_MS);
    this.audit
      .recordAlone(auditContextOf(req), {
        action: 'access.ip_report',
        targetType: 'api_key',
        targetId: keyId,
        details: {
          ip,
          allowed_ips: [...auth.ipAllowlist!.entries],
          method: req.method,
          path: req.path,
        },
      })
      .catch((error: unknown) =>
        this.logger.error(`Could not record an IP report: ${String(error)}`),
      );
  }
}
