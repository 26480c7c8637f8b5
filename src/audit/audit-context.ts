import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { Request } from 'express';
import { actorOf } from '../access/principal';
import { authOf } from '../access/request-auth';
import { requestIdOf } from '../http/request-id';

/** Who did it, from where: what every audit entry of a request shares. */
export interface AuditContext {
  actor: string | null;
  ip: string | null;
  requestId: string | null;
}

export function auditContextOf(req: Request): AuditContext {
  const principal = authOf(req)?.principal;
  return {
    actor: principal ? actorOf(principal) : null,
    ip: req.ip ?? null,
    requestId: requestIdOf(req),
  };
}

/** The audit context of this request, for a handler to pass to its service. */
export const Audit = createParamDecorator(
  (_data: unknown, context: ExecutionContext) =>
    auditContextOf(context.switchToHttp().getRequest<Request>()),
);
