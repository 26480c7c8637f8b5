/**
 * Every response of the e2e suite is checked against the OpenAPI document of
 * the app that answered it (jest setupFilesAfterEnv: it runs before every
 * spec file). supertest is wrapped here, in one place, so no spec can
 * forget it: a field the server sends that the document does not describe,
 * a documented field that is missing, an undocumented status or content
 * type, fails the request's assertion like a wrong status would.
 */
import Test from 'supertest/lib/test';
import type { OpenApiValidator, SeenResponse } from './openapi-validator';

const validators = new WeakMap<object, OpenApiValidator>();
let checked = 0;

/** createTestApp calls this for each app it builds. */
export function registerApp(server: object, validator: OpenApiValidator) {
  validators.set(server, validator);
}

/** How many responses the hook has checked in this file (a test proves it runs). */
export const checkedResponses = () => checked;

type Callback = (err: unknown, res?: SeenResponse) => void;
interface TestInternals {
  app: unknown;
  method: string;
  url: string;
}

const proto = Test.prototype as unknown as {
  assert: (
    this: TestInternals,
    err: unknown,
    res: SeenResponse | undefined,
    fn: Callback,
  ) => void;
};
const assert = proto.assert;

proto.assert = function (this: TestInternals, err, res, fn) {
  if (res) {
    const validator = validators.get(this.app as object);
    const path = new URL(this.url).pathname;
    let problems: string[];
    try {
      problems = validator
        ? validator.check(this.method, path, res)
        : [
            'the app was not built by createTestApp, so its document is unknown',
          ];
    } catch (error) {
      problems = [`the check itself failed: ${String(error)}`];
    }
    checked += 1;
    if (problems.length > 0) {
      const error = new Error(
        `Response does not match the OpenAPI document: ${this.method} ${path} → ${res.status}\n  ${problems.join('\n  ')}\n  body: ${JSON.stringify(res.body ?? res.text).slice(0, 600)}`,
      );
      return fn.call(this, error, res);
    }
  }
  return assert.call(this, err, res, fn);
};
