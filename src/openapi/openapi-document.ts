import type { INestApplication } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import {
  DocumentBuilder,
  type OpenAPIObject,
  type SchemaObject,
  SwaggerModule,
} from '@nestjs/swagger';
import type {
  OperationObject,
  ParameterObject,
  ResponseObject,
} from '@nestjs/swagger';
import { RouteInfo, RouteTable } from '../auth/route-table';
import { dtoSchema } from '../validation/dto-schema';
import {
  CookieSetter,
  type CookieNote,
  namedSchemas,
  Refusals,
} from '../validation/schema';
import { errorsOf, type RouteTraits } from './error-catalog';
import { PROBLEM_SCHEMA, problemResponse } from './problem-schema';
import { dtoArgs } from './route-args';
import { headersFor, SHARED_HEADERS } from './response-headers';
import { summaryOf } from './summaries';
import {
  ANY_CREDENTIAL,
  BODY_API_KEY,
  DESCRIPTION,
  SECURITY_SCHEMES,
} from './security';

export const VERSION = '0.1.0';

/** `/api/keys/:id` → `/api/keys/{id}` */
export const templateOf = (path: string) =>
  path.replace(/:(\w+)/g, (_m, name: string) => `{${name}}`);

/**
 * GET /api/openapi.json. @nestjs/swagger lays out the paths, operations and
 * path parameters from Nest's own metadata, and the success responses from
 * `@Answers`; the rest comes from the declarations the server itself runs on:
 * the route table (policy and scope, as the guards read them), the
 * class-validator rules of each body and query, and the error catalog. Built
 * once, on first use, from the running application.
 */
@Injectable()
export class OpenApiDocument {
  private app?: INestApplication;
  private built?: OpenAPIObject;

  constructor(private readonly table: RouteTable) {}

  /** configureApp hands the application over: Swagger scans it. */
  attach(app: INestApplication): void {
    this.app = app;
  }

  document(): OpenAPIObject {
    if (!this.app) throw new Error('OpenApiDocument: no application attached');
    this.built ??= build(this.app, this.table.routes());
    return this.built;
  }

  /**
   * The document as served to a client that reached this server at
   * `origin`. A generated client takes its base URL from `servers[0]`
   * (hey-api, openapi-generator) and, in Node, needs an absolute one:
   * fetch() there has no page to resolve `/` against, and a client that
   * joins `/` and `/api/keys` asks for `//api/keys`. The origin of the
   * request is the one address known to work for this client, behind a
   * proxy too. Without one (the exported file) the document keeps `/`,
   * which OpenAPI resolves against wherever the document was read from.
   */
  servedAt(origin: string | undefined): OpenAPIObject {
    const document = this.document();
    if (!origin) return document;
    return {
      ...document,
      servers: [{ url: origin, description: 'This server, as you reached it' }],
    };
  }
}

function build(app: INestApplication, routes: RouteInfo[]): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('opsgate')
    .setDescription(DESCRIPTION)
    .setVersion(VERSION)
    .setLicense('MIT', 'https://spdx.org/licenses/MIT.html')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  const components: Record<string, SchemaObject> = {};
  let operations = 0;
  for (const route of routes) {
    const operation =
      document.paths[templateOf(route.path)]?.[
        route.method.toLowerCase() as 'get'
      ];
    if (!operation) {
      throw new Error(
        `OpenAPI: ${route.method} ${route.path} is not in the document`,
      );
    }
    operations += 1;
    describeOperation(operation as Operation, route, components);
  }
  const documented = Object.values(document.paths).flatMap((item) =>
    Object.keys(item).filter((key) => key !== 'parameters'),
  ).length;
  if (documented !== operations) {
    throw new Error(`OpenAPI: ${documented} operations, ${operations} routes`);
  }
  document.components = {
    schemas: { ...namedSchemas(), ...components, Problem: PROBLEM_SCHEMA },
    securitySchemes: SECURITY_SCHEMES,
    headers: SHARED_HEADERS,
  };
  document.security = ANY_CREDENTIAL;
  document.servers = [
    {
      url: '/',
      description: 'The server this document was read from',
    },
  ];
  delete document.tags;
  return document;
}

type Operation = OperationObject & Record<`x-${string}`, unknown>;

function describeOperation(
  operation: Operation,
  route: RouteInfo,
  components: Record<string, SchemaObject>,
): void {
  const { policy, scope } = route;
  const isPublic = policy?.kind === 'public';
  operation.summary ||= summaryOf(route);
  operation.security = isPublic ? [] : ANY_CREDENTIAL;
  if (!isPublic) {
    operation['x-required-privileges'] =
      policy?.kind === 'privileges' ? policy.privileges : [];
  }
  if (scope) {
    operation['x-scope'] = {
      resource: scope.resource.noun,
      from: scope.from,
      ...scope.resource.scope,
    };
  }
  const { body, query } = dtoArgs(route);
  if (body) {
    const schema = withBodyCredential(dtoSchema(body), body.name);
    components[body.name] = schema;
    operation.requestBody = {
      required: (schema.required?.length ?? 0) > 0,
      content: {
        'application/json': {
          schema: { $ref: `#/components/schemas/${body.name}` },
        },
      },
    };
  } else if (operation.requestBody) {
    throw new Error(
      `OpenAPI: ${route.method} ${route.path}: body of unknown class`,
    );
  }
  const pathParams = (operation.parameters ?? []).filter(
    (p) => (p as ParameterObject).in === 'path',
  );
  operation.parameters = [
    ...pathParams,
    ...(query ? queryParameters(query) : []),
  ];
  const traits: RouteTraits = {
    public: isPublic,
    privileges: policy?.kind === 'privileges',
    scoped: scope !== undefined,
    unsafe: !['GET', 'HEAD', 'OPTIONS'].includes(route.method),
    pathParams: pathParams.length > 0,
    query: query !== undefined,
    body: body !== undefined,
    declared: (Reflect.getMetadata(Refusals.KEY, route.handler) ??
      []) as RouteTraits['declared'],
  };
  assertSuccessDocumented(operation, route);
  for (const [status, codes] of errorsOf(traits)) {
    operation.responses[status] = problemResponse(status, codes);
  }
  const headerTraits = {
    public: isPublic,
    privileges: policy?.kind === 'privileges' ? policy.privileges : undefined,
    cookie: Reflect.getMetadata(CookieSetter.KEY, route.handler) as
      CookieNote | undefined,
  };
  for (const [status, response] of Object.entries(operation.responses)) {
    const documented = response as ResponseObject;
    documented.headers = {
      ...documented.headers,
      ...headersFor(headerTraits, Number(status)),
    };
  }
}

/** Every success answer has a schema (204 and redirects: no body); a route without `@Answers` fails the build. */
function assertSuccessDocumented(operation: OperationObject, route: RouteInfo) {
  for (const [status, response] of Object.entries(operation.responses)) {
    const hasBody = response !== undefined && 'content' in response;
    const bodiless = status === '204' || /^3\d\d$/.test(status);
    if (!bodiless && !hasBody) {
      throw new Error(
        `OpenAPI: ${route.method} ${route.path} answers ${status} without a documented schema (add @Answers)`,
      );
    }
  }
}

/** The body's schema with the optional `api_key` credential property. */
function withBodyCredential(schema: SchemaObject, name: string): SchemaObject {
  if (schema.properties?.api_key) {
    // The server strips it before validation: such a field could never arrive.
    throw new Error(`OpenAPI: ${name} has a field api_key, a credential place`);
  }
  return {
    ...schema,
    properties: { ...schema.properties, api_key: BODY_API_KEY },
  };
}

function queryParameters(dto: new () => object): ParameterObject[] {
  const schema = dtoSchema(dto);
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: schema.required?.includes(name) ?? false,
    schema: property,
  }));
}
