import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isAdmin, type Principal } from '../../access/principal';
import type { RequestAuth } from '../../access/request-auth';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { andThen, type MaybePromise } from '../../concurrency/maybe-promise';
import { AppError } from '../../http/app-error';
import { FactorDirectory } from '../../mfa/factor-directory';
import type { MfaMethod } from '../../mfa/mfa-methods';
import { Clock } from '../../time/clock';
import { type ActReader, STEP_UP_ACTS } from '../step-up-acts';
import {
  type AccessTarget,
  type Check,
  type RouteFacts,
  SKIP,
  type Verdict,
} from './check';

/** What a user covered by MFA_REQUIRED may still do before enrolling (SPEC §18). */
const ENROLMENT_ROUTES = new Set([
  'GET /api/me',
  'GET /api/privileges',
  'DELETE /api/sessions/current',
]);
const ENROLMENT_PREFIXES = ['/api/me/mfa', '/api/me/passkeys'];

interface RouteAct {
  /** `METHOD /api/template`, e.g. `POST /api/keys/:id/rotate`. */
  key: string;
  act: ActReader | undefined;
  enrolment: boolean;
}

export function stepUpRequired(methods: MfaMethod[], detail: string): AppError {
  return new AppError(403, 'step_up_required', detail, { methods });
}

/**
 * Step-up and MFA_REQUIRED (SPEC §18), last in the decision: a session of a
 * user with a second factor (or covered by MFA_REQUIRED) needs one completed
 * within STEP_UP_WINDOW for the acts of step-up-acts.ts, and a covered user
 * with none may only enrol. API keys are never asked. A request that is no
 * such act, by a user not covered, reads nothing. SPEC §19 names no check
 * for it: explain shows it on the credential's line (the session's strength).
 */
@Injectable()
export class StepUpCheck implements Check {
  readonly name = 'credential';
  private readonly windowMs: number;
  private readonly routes = new WeakMap<RouteFacts, RouteAct>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly directory: FactorDirectory,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {
    this.windowMs = config.stepUpWindow * 1000;
  }

  run(
    auth: RequestAuth,
    route: RouteFacts,
    target: AccessTarget,
  ): MaybePromise<Verdict> {
    if (auth.userId === undefined) return SKIP;
    const covered = this.covers(auth.principal);
    const { act, enrolment } = this.routeOf(route, target);
    if (!covered && !act) return SKIP;
    const methods = this.directory.methodsOf(auth.userId);
    // A promise's then() flattens the nested promise of the act's reader.
    return andThen(methods, (enrolled): MaybePromise<Verdict> => {
      if (covered && enrolled.length === 0 && !enrolment) {
        return stepUpRequired(
          [],
          'Set up a second factor first (an authenticator app or a passkey): this server requires one.',
        );
      }
      if (!act || this.steppedUp(auth)) return null;
      if (!covered && enrolled.length === 0) return SKIP;
      return act(target, this.dataSource.manager, auth.principal).then(
        (what) =>
          what
            ? stepUpRequired(
                enrolled,
                `${what} needs a second factor completed in the last ${this.config.stepUpWindow} seconds: step up with POST /api/sessions/current/step-up.`,
              )
            : null,
      );
    }) as MaybePromise<Verdict>;
  }

  describe(result: 'pass' | 'skip'): string {
    return result === 'skip'
      ? 'No step-up applies: an API key, or a user without a second factor on a route with no act that needs one.'
      : 'No second factor is needed here, or the session completed one within STEP_UP_WINDOW.';
  }

  fix(refusal: AppError): string {
    const methods = refusal.extras.methods as MfaMethod[] | undefined;
    return methods?.length
      ? 'step up with POST /api/sessions/current/step-up'
      : 'set up a second factor (POST /api/me/mfa/totp or /api/me/passkeys)';
  }

  /**
   * Per route, once (its facts are one object per handler): its key and act.
   * The template is Express's matched route, or `path` in explain's target.
   */
  private routeOf(route: RouteFacts, target: AccessTarget): RouteAct {
    let known = this.routes.get(route);
    if (!known) {
      const template = templateOf(target);
      // A GET route answers HEAD too; whichever comes first, the route is GET's.
      const method = target.method === 'HEAD' ? 'GET' : target.method;
      const key = `${method} ${template}`;
      known = {
        key,
        act: STEP_UP_ACTS[key],
        enrolment:
          ENROLMENT_ROUTES.has(key) ||
          ENROLMENT_PREFIXES.some(
            (prefix) =>
              template === prefix || template.startsWith(`${prefix}/`),
          ),
      };
      this.routes.set(route, known);
    }
    return known;
  }

  private covers(principal: Principal): boolean {
    const required = this.config.mfaRequired;
    return required === 'all' || (required === 'admins' && isAdmin(principal));
  }

  private steppedUp(auth: RequestAuth): boolean {
    const at = auth.steppedUpAt;
    return typeof at === 'number' && this.clock.now() - at < this.windowMs;
  }
}

/** `/api/keys/:id`: Express's matched route on a request, or a template given as `path`. */
function templateOf(target: AccessTarget): string {
  const { route, path } = target as {
    route?: { path?: unknown };
    path?: unknown;
  };
  if (typeof route?.path === 'string') return route.path;
  return typeof path === 'string' ? path : '';
}
