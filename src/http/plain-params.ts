import { RouterExecutionContext } from '@nestjs/core/router/router-execution-context';

type ParamOptions = {
  index: number;
  type: unknown;
  extractValue: (req: unknown, res: unknown, next: unknown) => unknown;
};
type PipesFn = (
  args: unknown[],
  req: unknown,
  res: unknown,
  next: unknown,
) => unknown;
type Context = {
  isPipeable(type: unknown): boolean;
  createPipesFn: (
    this: Context,
    pipes: unknown[],
    params: ParamOptions[],
  ) => PipesFn | null;
};

let installed = false;

/**
 * A handler whose parameters no pipe ever sees (`@Req()`, `@Res()`, `@Next()`:
 * Nest's own isPipeable says which) gets them without Nest's pipes function,
 * which is an async function running one more async function per parameter
 * under Promise.all: several promises and microtask turns per request for
 * values that are only read off the request. Anything a pipe may see (a
 * body, a query, a param, a custom decorator) keeps Nest's path. An error
 * thrown while reading a value is thrown where Nest's would have rejected:
 * inside the handler's try, so it is handled the same way. Hand-written
 * because Nest has no option for it; idempotent.
 */
export function readPlainParamsDirectly(): void {
  if (installed) return;
  installed = true;
  const proto = RouterExecutionContext.prototype as unknown as Context;
  const nests = proto.createPipesFn;
  proto.createPipesFn = function (
    this: Context,
    pipes: unknown[],
    params: ParamOptions[],
  ): PipesFn | null {
    if (params.length === 0 || params.some((p) => this.isPipeable(p.type))) {
      return nests.call(this, pipes, params);
    }
    return (args, req, res, next) => {
      for (const param of params) {
        args[param.index] = param.extractValue(req, res, next);
      }
    };
  };
}
