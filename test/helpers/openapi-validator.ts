import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { OpenAPIObject } from '@nestjs/swagger';

/** What the hook needs of a response (a supertest Response has all of it). */
export interface SeenResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text?: string;
}

interface Header {
  required?: boolean;
  schema?: { type?: string };
  $ref?: string;
}

interface Route {
  template: string;
  pattern: RegExp;
  params: number;
}

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/**
 * Checks responses against the document the app serves: the operation for
 * the method and path, the response for the status, the media type, and the
 * body against its JSON Schema (draft 2020-12, as OpenAPI 3.1 uses).
 */
export class OpenApiValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly routes: Route[];
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly headerChecks = new Map<Header, ValidateFunction>();
  /** Every response header the document names anywhere, lower-cased. */
  private readonly watched: Set<string>;

  constructor(private readonly document: OpenAPIObject) {
    addFormats(this.ajv);
    this.ajv.addSchema(document, 'openapi');
    this.routes = Object.keys(document.paths)
      .map((template) => ({
        template,
        params: (template.match(/\{/g) ?? []).length,
        pattern: new RegExp(
          `^${template
            .split(/\{\w+\}/)
            .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
            .join('[^/]+')}/?$`,
        ),
      }))
      // Literal segments win over parameters, as in Express's order here.
      .sort((a, b) => a.params - b.params);
    this.watched = new Set(
      Object.values(document.paths)
        .flatMap((item) => Object.values(item as object))
        .flatMap((op: { responses?: object }) =>
          Object.values(op.responses ?? {}),
        )
        .flatMap((r: { headers?: object }) => Object.keys(r.headers ?? {}))
        .map((name) => name.toLowerCase()),
    );
  }

  /** Problems with the response, as sentences; empty when it conforms. */
  check(method: string, path: string, res: SeenResponse): string[] {
    const verb = method.toLowerCase() === 'head' ? 'get' : method.toLowerCase();
    const route = this.routes.find((r) => r.pattern.test(path));
    const operation =
      route && this.document.paths[route.template][verb as 'get'];
    if (!route || !operation) {
      // No route: 404 not_found, or an error of the body parser that runs
      // before routing (malformed_json, payload_too_large): a plain Problem.
      if (res.status < 400)
        return [`no documented operation, yet ${res.status}`];
      return this.validate('#/components/schemas/Problem', res.body);
    }
    const at = `${route.template} ${verb} ${res.status}`;
    const response = operation.responses[String(res.status)] as
      | { content?: Record<string, unknown>; headers?: Record<string, Header> }
      | undefined;
    if (!response) return [`${at}: status not documented`];
    return [
      ...this.checkHeaders(at, response.headers ?? {}, res.headers),
      ...this.checkBody(at, route.template, verb, method, response, res),
    ];
  }

  /**
   * Each header the document names anywhere: sent here only if documented
   * for this operation and status, with a value its schema accepts; and a
   * header documented as required is sent.
   */
  private checkHeaders(
    at: string,
    documented: Record<string, Header>,
    sent: SeenResponse['headers'],
  ): string[] {
    const here = new Map(
      Object.entries(documented).map(([name, header]) => [
        name.toLowerCase(),
        this.resolve(header),
      ]),
    );
    const problems: string[] = [];
    for (const name of this.watched) {
      const value = sent[name];
      const header = here.get(name);
      if (value === undefined) {
        if (header?.required) problems.push(`${at}: header ${name} missing`);
      } else if (!header) {
        problems.push(`${at}: header ${name} sent but not documented here`);
      } else {
        for (const one of ([] as string[]).concat(value)) {
          const typed =
            header.schema?.type === 'integer' && /^-?\d+$/.test(one)
              ? Number(one)
              : one;
          if (!this.headerCheck(header)(typed)) {
            problems.push(
              `${at}: header ${name}: ${JSON.stringify(one)} off its schema`,
            );
          }
        }
      }
    }
    return problems;
  }

  private headerCheck(header: Header): ValidateFunction {
    let validate = this.headerChecks.get(header);
    if (!validate) {
      validate = this.ajv.compile(header.schema ?? {});
      this.headerChecks.set(header, validate);
    }
    return validate;
  }

  private resolve(header: Header): Header {
    if (!header.$ref) return header;
    const name = header.$ref.split('/').pop()!;
    return (this.document.components?.headers?.[name] ?? {}) as Header;
  }

  private checkBody(
    at: string,
    template: string,
    verb: string,
    method: string,
    response: { content?: Record<string, unknown> },
    res: SeenResponse,
  ): string[] {
    const type = String(res.headers['content-type'] ?? '')
      .split(';')[0]
      .trim();
    if (!response.content) {
      return res.text ? [`${at}: documented without a body, got ${type}`] : [];
    }
    if (!(type in response.content)) {
      return [`${at}: content type ${type || 'none'} not documented`];
    }
    if (method.toLowerCase() === 'head' || type.startsWith('image/')) return [];
    const body = /[/+]json$/.test(type) ? res.body : res.text;
    const ref = `openapi#${pointer('', 'paths', template, verb, 'responses', String(res.status), 'content', type, 'schema')}`;
    return this.validate(ref, body).map((error) => `${at} ${type}: ${error}`);
  }

  private validate(ref: string, body: unknown): string[] {
    const full = ref.startsWith('openapi#') ? ref : `openapi${ref}`;
    let validate = this.compiled.get(full);
    if (!validate) {
      validate = this.ajv.compile({ $ref: full });
      this.compiled.set(full, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (e) =>
        `${e.instancePath || '(body)'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`,
    );
  }
}
