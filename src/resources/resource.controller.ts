import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Query,
  Type,
} from '@nestjs/common';
import {
  Authenticated,
  Caller,
  RequirePrivileges,
} from '../access/policy.decorator';
import { Audit, type AuditContext } from '../audit/audit-context';
import type { Principal } from '../access/principal';
import { Scoped, type ScopeSource } from '../access/scoped.decorator';
import { ApiBody } from '@nestjs/swagger';
import { Answers, MayFail, page } from '../validation/schema';
import { AppValidationPipe, PageQuery } from '../validation/validation';
import { recordSchema } from './record-schema';
import type { RecordBase } from './record-base';
import { resourcePrivilege } from '../access/privileges';
import type { CrudResource, ResourceDefinition } from './resource-definition';
import type { ResourceService } from './resource.service';

export const serviceToken = (definition: ResourceDefinition) =>
  `ResourceService:${definition.name}`;

const validator = new AppValidationPipe();

/** A body validated against `dto`: the class cannot come from a generic parameter's type. */
const BodyOf = (dto: Type<object>) =>
  Body({
    transform: (value: unknown) =>
      validator.transform(value, { type: 'body', metatype: dto }),
  });

/**
 * The five routes of SPEC §9 for one resource, each with its privilege and
 * scope declared once, here, for all resources.
 */
export function resourceController(definition: CrudResource): Type<unknown> {
  const { name, createDto, updateDto } = definition;
  // Records without a scope (roles) get no scope rule, so the route table shows none.
  const scoped = Object.keys(definition.scope).length > 0;
  const ScopedHere = (...from: ScopeSource[]): MethodDecorator =>
    scoped ? Scoped(definition, ...from) : () => undefined;
  const record = recordSchema(definition);
  // Chosen ids (categories, groups, roles) can be taken, and are what other
  // records name, so deleting one still named is a conflict too.
  const conflicts = definition.clientIds ? (['conflict'] as const) : [];
  // A record without scope of its own (a role) grants scope: granting more
  // than one's own is refused as scope_denied (no escalation, SPEC §12).
  // And a change to a record that grants rights (a role) may not widen its
  // holders beyond the caller (SPEC §20).
  const grants = [
    ...(scoped ? [] : (['scope_denied'] as const)),
    ...(definition.grantsRights ? (['escalation_denied'] as const) : []),
  ];

  @Controller(name)
  class ResourceController {
    constructor(
      @Inject(serviceToken(definition))
      private readonly service: ResourceService<RecordBase>,
    ) {}

    @Post()
    @RequirePrivileges(resourcePrivilege('create', name))
    @ScopedHere('body')
    @ApiBody({ type: createDto })
    @Answers(201, record)
    @MayFail(...conflicts, ...grants)
    create(
      @BodyOf(createDto) dto: object,
      @Caller() caller: Principal,
      @Audit() audit: AuditContext,
    ) {
      return this.service.create(dto, caller, audit);
    }

    @Get()
    @Authenticated()
    @Answers(200, page(record))
    list(@Query() page: PageQuery, @Caller() caller: Principal) {
      return this.service.list(caller, page);
    }

    @Get(':id')
    @Authenticated()
    @ScopedHere('stored')
    @Answers(200, record)
    get(@Param('id') id: string, @Caller() caller: Principal) {
      return this.service.get(id, caller);
    }

    @Patch(':id')
    @RequirePrivileges(resourcePrivilege('edit', name))
    @ScopedHere('stored', 'body')
    @ApiBody({ type: updateDto })
    @Answers(200, record)
    @MayFail(...grants)
    update(
      @Param('id') id: string,
      @BodyOf(updateDto) dto: object,
      @Caller() caller: Principal,
      @Audit() audit: AuditContext,
    ) {
      return this.service.update(id, dto, caller, audit);
    }

    @Delete(':id')
    @RequirePrivileges(resourcePrivilege('delete', name))
    @ScopedHere('stored')
    @HttpCode(204)
    @Answers(204)
    // Deleting a role is a change of rights too (SPEC §12, §20).
    @MayFail(...conflicts, ...grants)
    remove(
      @Param('id') id: string,
      @Caller() caller: Principal,
      @Audit() audit: AuditContext,
    ) {
      return this.service.remove(id, caller, audit);
    }
  }

  const className = name.replace(/(^|_)(\w)/g, (_m, _s, c: string) =>
    c.toUpperCase(),
  );
  Object.defineProperty(ResourceController, 'name', {
    value: `${className}Controller`,
  });
  return ResourceController;
}
