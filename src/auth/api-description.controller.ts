import { Controller, Get } from '@nestjs/common';
import {
  Answers,
  listOf,
  named,
  strict,
  Summary,
  text,
} from '../validation/schema';
import { Public } from '../access/policy.decorator';
import { RouteTable } from './route-table';

const ROUTES_SCHEMA = named('RouteTable', () =>
  strict({
    name: text(),
    description: text(),
    openapi: text({ description: 'Where the full OpenAPI 3.1 document is' }),
    docs: text({ description: 'Where the interactive reference is' }),
    routes: listOf(
      strict(
        {
          method: text(),
          path: text(),
          policy: text({ enum: ['public', 'authenticated', 'privileges'] }),
          privileges: listOf(text()),
          scope: strict({
            resource: text(),
            from: listOf(text({ enum: ['stored', 'body'] })),
          }),
        },
        ['privileges', 'scope'],
      ),
    ),
  }),
);

/**
 * GET /api: the route → policy table, public, read from the routes' own
 * declarations (the same RouteTable the OpenAPI document and the
 * route-policy test read).
 */
@Controller()
export class ApiDescriptionController {
  constructor(private readonly table: RouteTable) {}

  @Get()
  @Public()
  @Answers(200, ROUTES_SCHEMA)
  @Summary('List every route and its policy')
  index() {
    return {
      name: 'opsgate',
      description:
        'Authentication and authorization for an operations platform (API keys, sessions, privileges, scope).',
      openapi: '/api/openapi.json',
      docs: '/api/docs',
      routes: this.table.routes().map(({ method, path, policy, scope }) => ({
        method,
        path,
        policy: policy?.kind ?? 'privileges',
        ...(policy?.kind === 'privileges' && { privileges: policy.privileges }),
        ...(scope && {
          scope: { resource: scope.resource.noun, from: scope.from },
        }),
      })),
    };
  }
}
