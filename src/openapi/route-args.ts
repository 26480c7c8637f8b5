import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import type { Type } from '@nestjs/common';
import { DECORATORS } from '@nestjs/swagger';
import type { RouteInfo } from '../auth/route-table';

interface RouteArg {
  index: number;
  data?: unknown;
}

/** The DTO classes of a route's whole-object `@Body()` and `@Query()` parameters. */
export function dtoArgs(route: RouteInfo): {
  body?: Type<object>;
  query?: Type<object>;
} {
  const method = route.handler.name;
  const args = (Reflect.getMetadata(
    ROUTE_ARGS_METADATA,
    route.controller,
    method,
  ) ?? {}) as Record<string, RouteArg>;
  const types = (Reflect.getMetadata(
    'design:paramtypes',
    route.controller.prototype as object,
    method,
  ) ?? []) as unknown[];
  const classOf = (kind: RouteParamtypes): Type<object> | undefined => {
    const entry = Object.entries(args).find(
      ([key, arg]) =>
        key.split(':')[0] === String(kind) && arg.data === undefined,
    );
    const type = entry && types[entry[1].index];
    return typeof type === 'function' && type !== Object
      ? (type as Type<object>)
      : undefined;
  };
  // A body validated by a pipe of its own (resources) names its class with @ApiBody.
  const declared = (
    (Reflect.getMetadata(DECORATORS.API_PARAMETERS, route.handler) ?? []) as {
      in?: string;
      type?: unknown;
    }[]
  ).find((p) => p.in === 'body')?.type;
  return {
    body:
      classOf(RouteParamtypes.BODY) ??
      (typeof declared === 'function' ? (declared as Type<object>) : undefined),
    query: classOf(RouteParamtypes.QUERY),
  };
}
