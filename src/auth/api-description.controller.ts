import { Controller, Get } from '@nestjs/common';
import { Public } from './policy.decorator';
import { RouteTable } from './route-table';

/** GET /api: the API description, public, generated from the routes' own declarations. */
@Controller()
export class ApiDescriptionController {
  constructor(private readonly table: RouteTable) {}

  @Get()
  @Public()
  describe() {
    return {
      name: 'opsgate',
      description:
        'Authentication and authorization for an operations platform (API keys, sessions, privileges, scope).',
      routes: this.table.routes().map(({ method, path, policy, scope }) => ({
        method,
        path,
        policy: policy?.kind ?? 'privileges',
        ...(policy?.kind === 'privileges' && { privileges: policy.privileges }),
        ...(scope && { scope }),
      })),
    };
  }
}
