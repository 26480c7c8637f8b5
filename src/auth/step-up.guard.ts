import {
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
} from '@nestjs/common';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { AppError } from '../http/app-error';
import { Clock } from '../time/clock';
import { andThen, type MaybePromise } from '../concurrency/maybe-promise';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { FactorDirectory } from '../mfa/factor-directory';
import type { MfaMethod } from '../mfa/mfa-methods';
import { isAdmin, type Principal } from '../access/principal';
import { type RequestAuth, authOf } from '../access/request-auth';
import { type ActReader, STEP_UP_ACTS } from './step-up-acts';

/** What a user covered by MFA_REQUIRED may still do before enrolling (SPEC §18). */
const ENROLMENT_ROUTES = new Set([
  'GET /api/me',
  'GET /api/privileges',
  'DELETE /api/sessions/current',
]);
const ENROLMENT_PREFIXES = ['/api/me/mfa', '/api/me/passkeys'];

interface RouteAct {
  route: string;
  act: ActReader | undefined;
}

export function stepUpRequired(methods: MfaMethod[], detail: string): AppError {
  return new AppError(403, 'step_up_required', detail, { methods });
}

/**
 * Step-up and MFA_REQUIRED (SPEC §18), after privileges and scope: a session
 * of a user with a second factor (or covered by MFA_REQUIRED) needs one
 * completed within STEP_UP_WINDOW for the acts of step-up-acts.ts, and a
 * covered user with none may only enrol. API keys are never asked. A
 * request that is no such act, by a user not covered, costs no lookup.
 */
@Injectable()
export class StepUpGuard implements CanActivate {
  private readonly windowMs: number;
  private readonly routes = new WeakMap<object, RouteAct>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly directory: FactorDirectory,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {
    this.windowMs = config.stepUpWindow * 1000;
  }

  canActivate(context: ExecutionContext): MaybePromise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const auth = authOf(req);
    if (auth?.userId === undefined) return true;
    const covered = this.covers(auth.principal);
    const { route, act } = this.routeOf(req);
    if (!covered && !act) return true;
    const methods = this.directory.methodsOf(auth.userId);
    // A promise's then() flattens the nested promise of the act's reader.
    return andThen(methods, (enrolled): MaybePromise<boolean> => {
      if (covered && enrolled.length === 0 && !enrolling(req, route)) {
        throw stepUpRequired(
          [],
          'Set up a second factor first (an authenticator app or a passkey): this server requires one.',
        );
      }
      if (!act || this.steppedUp(auth)) return true;
      if (!covered && enrolled.length === 0) return true;
      return act(req, this.dataSource.manager, auth.principal).then((what) => {
        if (!what) return true;
        throw stepUpRequired(
          enrolled,
          `${what} needs a second factor completed in the last ${this.config.stepUpWindow} seconds: step up with POST /api/sessions/current/step-up.`,
        );
      });
    }) as MaybePromise<boolean>;
  }

  /**
   * Per mounted route (Express's Route object: one handler may serve the
   * routes of several resources), once: its key and its act, so other
   * requests build no string.
   */
  private routeOf(req: Request): RouteAct {
    const mounted = req.route as object | undefined;
    let known = mounted && this.routes.get(mounted);
    if (!known) {
      const route = `${req.method} ${routePath(req)}`;
      known = { route, act: STEP_UP_ACTS[route] };
      if (mounted) this.routes.set(mounted, known);
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

/** The route's template as Express matched it (`/api/keys/:id`). */
function routePath(req: Request): string {
  const route = req.route as { path?: unknown } | undefined;
  return typeof route?.path === 'string' ? route.path : req.path;
}

function enrolling(req: Request, route: string): boolean {
  if (ENROLMENT_ROUTES.has(route)) return true;
  const path = routePath(req);
  return ENROLMENT_PREFIXES.some(
    (prefix) => path === prefix || path.startsWith(`${prefix}/`),
  );
}
