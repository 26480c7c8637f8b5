import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { policyOf } from '../access/policy.decorator';
import { ScopeRuleMeta } from '../access/scoped.decorator';
import { routeFacts, type RouteFacts } from './checks/check';

/**
 * Marks a route whose own request is checked without consuming anything
 * (POST /api/auth/explain: asking why must not use up the allowance it asks about).
 */
export const ChecksWithoutConsuming = Reflector.createDecorator<boolean>();

/**
 * Each route's facts, read once per handler: decorators are applied when the
 * class is defined, and reading them is a few reflect-metadata look-ups that
 * every request would otherwise repeat.
 */
@Injectable()
export class RouteFactsOf {
  private readonly byHandler = new WeakMap<object, RouteFacts>();

  constructor(private readonly reflector: Reflector) {}

  of(context: ExecutionContext): RouteFacts {
    const handler = context.getHandler();
    let facts = this.byHandler.get(handler);
    if (!facts) {
      facts = routeFacts(
        policyOf(this.reflector, context),
        this.reflector.get(ScopeRuleMeta, handler),
        this.reflector.get(ChecksWithoutConsuming, handler) === true,
      );
      this.byHandler.set(handler, facts);
    }
    return facts;
  }
}
