import { getMetadataStorage, validateSync } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import '../src/app/app.module';
import { PRIVILEGE_IDS } from '../src/access/privileges';
import { AppError } from '../src/http/app-error';
import { PRIVILEGE_LIST } from '../src/access/grants';
import { AppValidationPipe, ID_LIST } from '../src/validation/validation';
import { createKey, login, LoggedIn } from './helpers/auth';
import { LogCapture } from './helpers/log-capture';
import { expectProblem, fieldsOf } from './helpers/problem';
import { createTestApp, TestApp } from './helpers/test-app';

/** Every validation rule any DTO of the app declares (importing AppModule registered them all). */
function allRules(): ValidationMetadata[] {
  const storage = getMetadataStorage() as unknown as {
    validationMetadatas: Map<unknown, ValidationMetadata[]>;
  };
  return [...storage.validationMetadatas.values()].flat();
}

const className = (rule: ValidationMetadata) =>
  (rule.target as { name: string }).name;
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('bounded work per request (SPEC §8)', () => {
  describe('every list in every DTO', () => {
    const lists = allRules().filter((rule) => rule.name === 'boundedList');

    it('covers the lists of keys, users, roles, events, monitors and alerts', () => {
      const names = lists.map((r) => `${className(r)}.${r.propertyName}`);
      expect(names).toEqual(
        expect.arrayContaining([
          'RightsDto.privileges',
          'RightsDto.categories',
          'RightsDto.groups',
          'GrantsDto.roles',
          'PartialCreateApiKeyDto.roles',
          'OmitClassType.privileges',
          'PartialCreateApiKeyDto.privileges',
          'PartialCreateUserDto.groups',
          'CreateEventDto.targets',
          'PartialCreateEventDto.targets',
          'GroupWatchDto.groups',
          'PartialCreateMonitorDto.groups',
          'PartialCreateAlertDto.groups',
        ]),
      );
    });

    it('has no array rule but BoundedList (no @ArrayUnique: indexOf is O(n²); no per-item `each` rules)', () => {
      const others = allRules().filter(
        (rule) =>
          rule.name !== 'boundedList' &&
          (rule.each || /^(is)?array/i.test(rule.name ?? rule.type)),
      );
      expect(others.map((r) => `${className(r)}.${r.propertyName}`)).toEqual(
        [],
      );
    });

    const huge = Array.from({ length: 100_000 }, (_, i) => `x${i}`);
    /** SPEC §8: id lists 1,000, privilege lists the catalog's size; §19: allowed_ips 100. */
    const SPEC_MAX: Record<string, number> = {
      privileges: PRIVILEGE_IDS.length,
      allowed_ips: 100,
    };
    const maxOf = (rule: ValidationMetadata) =>
      SPEC_MAX[rule.propertyName] ?? 1000;
    let isId: jest.SpyInstance;
    let isPrivilege: jest.SpyInstance;
    beforeEach(() => {
      isId = jest.spyOn(ID_LIST, 'isItem');
      isPrivilege = jest.spyOn(PRIVILEGE_LIST, 'isItem');
    });
    afterEach(() => jest.restoreAllMocks());

    it('the pipe refuses 100,000 elements before copying or checking any, for each list', async () => {
      const pipe = new AppValidationPipe();
      for (const rule of lists) {
        const dto = rule.target as new () => object;
        const body = { [rule.propertyName]: huge };
        const error = (await pipe
          .transform(body, { type: 'body', metatype: dto })
          .catch((e: unknown) => e)) as AppError;
        expect(error.extras.errors).toEqual([
          {
            field: rule.propertyName,
            message: `${rule.propertyName} must contain no more than ${maxOf(rule)} elements`,
          },
        ]);
      }
      expect(isId).not.toHaveBeenCalled();
      expect(isPrivilege).not.toHaveBeenCalled();
    });

    it('the rule itself checks the length first and alone too, for each list', () => {
      for (const rule of lists) {
        const dto = Object.assign(
          Object.create((rule.target as () => object).prototype) as object,
          { [rule.propertyName]: huge },
        );
        const errors = validateSync(dto).filter(
          (e) => e.property === rule.propertyName,
        );
        expect(errors.map((e) => e.constraints)).toEqual([
          {
            boundedList: `${rule.propertyName} must contain no more than ${maxOf(rule)} elements`,
          },
        ]);
      }
      expect(isId).not.toHaveBeenCalled();
      expect(isPrivilege).not.toHaveBeenCalled();
    });
  });

  describe('over HTTP', () => {
    let t: TestApp;
    let admin: LoggedIn;
    let eventsKey: string;
    const logs = new LogCapture();

    beforeAll(async () => {
      t = await createTestApp();
      admin = await login(t.server);
      eventsKey = (
        await createKey(t.server, admin, { privileges: ['create_events'] })
      ).key;
      await t
        .http()
        .post('/api/categories')
        .set('X-Session-ID', admin.sessionId)
        .send({ id: 'ex', title: 'ex' })
        .expect(201);
    });
    afterAll(async () => {
      logs.restore();
      await t.close();
    });

    it('refuses 100,000 targets with one error on targets (the issue-9 reproduction)', async () => {
      const targets = Array.from({ length: 100_000 }, (_, i) => i);
      const res = await t
        .http()
        .post('/api/events')
        .set('X-API-Key', eventsKey)
        .send({ title: 't', category: 'ex', targets });
      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors).toEqual([
        {
          field: 'targets',
          message: 'targets must contain no more than 1000 elements',
        },
      ]);
    });

    it('allows the whole catalog as privileges and refuses one more', async () => {
      const send = (privileges: string[]) =>
        t
          .http()
          .post('/api/keys')
          .set('X-Session-ID', admin.sessionId)
          .send({ title: 'all', privileges });
      expect((await send([...PRIVILEGE_IDS])).status).toBe(201);
      const res = await send([...PRIVILEGE_IDS, 'admin']);
      expectProblem(res, 400, 'validation_failed');
      expect(fieldsOf(res)).toEqual(['privileges']);
      expect(res.body.errors[0].message).toContain(
        `no more than ${PRIVILEGE_IDS.length}`,
      );
    });

    it('names duplicates in a list', async () => {
      const res = await t
        .http()
        .post('/api/keys')
        .set('X-Session-ID', admin.sessionId)
        .send({ title: 'dup', groups: ['a', 'b', 'a'] });
      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors).toEqual([
        { field: 'groups', message: 'groups must not contain duplicates' },
      ]);
    });

    const routes: [string, string, boolean][] = [
      ['post', '/api/sessions', false],
      ['post', '/api/keys', true],
      ['post', '/api/events', true],
      ['patch', '/api/events/nope', true],
      ['post', '/api/no-such-route', false],
    ];

    it.each(routes)(
      'answers 400 malformed_json to a body nested 1,400 deep on %s %s, logging no error',
      async (method, path, withKey) => {
        logs.clear();
        const req = t.http()[method as 'post'](path);
        if (withKey) req.set('X-Session-ID', admin.sessionId);
        const res = await req
          .set('Content-Type', 'application/json')
          .send(`{"username":${nested(1400)}}`);
        expectProblem(res, 400, 'malformed_json');
        expect(res.body.detail).toContain('nested deeper than 64');
        const bad = logs.entries.filter((e) =>
          ['error', 'fatal'].includes(e.level),
        );
        expect(bad).toEqual([]);
      },
    );

    it('refuses 65 levels and lets 64 through to validation', async () => {
      const send = (depth: number) =>
        t
          .http()
          .post('/api/sessions')
          .set('Content-Type', 'application/json')
          // The object itself is the first level.
          .send(`{"username":${nested(depth - 1)}}`);
      expectProblem(await send(65), 400, 'malformed_json');
      expectProblem(await send(64), 400, 'validation_failed');
    });
  });
});
