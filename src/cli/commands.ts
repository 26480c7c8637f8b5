import type { INestApplicationContext, Type } from '@nestjs/common';
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import { DataSource } from 'typeorm';
import type { AuditContext } from '../audit/audit-context';
import { CreateApiKeyDto } from '../api-keys/api-key.dto';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { randomString } from '../secrets/secrets';
import { AppValidationPipe } from '../validation/validation';
import { passwordProblem } from '../users/password-policy';
import { UpdateUserDto } from '../users/user.dto';
import { UsersService } from '../users/users.service';

/**
 * Who the CLI's records and audit entries name as the actor (`created_by`,
 * `actor`): `cli:<operating-system user>` (SPEC §20). A username can hold no
 * `:`, so this never names a user, and it says who ran the command.
 */
export function cliActor(): string {
  let name: string | undefined;
  try {
    name = userInfo().username;
  } catch {
    // No passwd entry for this uid (a container): the environment, else the uid.
    name = process.env.USER ?? process.env.LOGNAME;
  }
  return `cli:${name || `uid-${process.getuid?.() ?? 'unknown'}`}`;
}

const cliAudit = (): AuditContext => ({
  actor: cliActor(),
  ip: null,
  requestId: null,
});
const GENERATED_PASSWORD_LENGTH = 24;

export interface Io {
  stdin: NodeJS.ReadableStream;
  out: (line: string) => void;
  err: (line: string) => void;
}

/** The same validation as the API's request bodies, so the same rules hold. */
function validated<T extends object>(dto: Type<T>, body: object): Promise<T> {
  return new AppValidationPipe().transform(body, {
    type: 'body',
    metatype: dto,
  }) as Promise<T>;
}

/** Migrations ran when the context opened the database (as at server start). */
export async function migrate(app: INestApplicationContext, io: Io) {
  const applied = await app
    .get(DataSource)
    .query<{ n: number | string }[]>('SELECT COUNT(*) AS n FROM migrations');
  // PostgreSQL's COUNT(*) arrives as a string.
  const count = Number(applied[0].n);
  io.out(`Database is up to date (${count} migrations applied).`);
}

export async function resetPassword(
  app: INestApplicationContext,
  io: Io,
  username: string,
  options: { stdin?: boolean },
) {
  const password = options.stdin
    ? await firstLine(io.stdin)
    : generatedPassword(username);
  const dto = await validated(UpdateUserDto, { password });
  // A new password ends every session of the user (UsersService.update).
  await app.get(UsersService).update(username, dto, cliAudit());
  if (options.stdin) io.err(`Password of "${username}" changed.`);
  else io.out(password);
}

/** A random password the policy accepts (one that happens to hold the username is drawn again). */
function generatedPassword(username: string): string {
  for (;;) {
    const password = randomString(GENERATED_PASSWORD_LENGTH);
    if (passwordProblem(password, username) === null) return password;
  }
}

export interface CreateKeyOptions {
  title: string;
  privileges?: string;
  expiresAt?: string;
}

export async function createKey(
  app: INestApplicationContext,
  io: Io,
  options: CreateKeyOptions,
) {
  const body: Record<string, unknown> = { title: options.title };
  if (options.privileges !== undefined) {
    body.privileges = options.privileges
      .split(',')
      .map((id) => id.trim())
      .filter((id) => id !== '');
  }
  if (options.expiresAt !== undefined) body.expires_at = options.expiresAt;
  const dto = await validated(CreateApiKeyDto, body);
  const created = await app.get(ApiKeysService).create(dto, cliAudit());
  io.out(created.key);
}

/** One tab-separated line per key, after a header; masks only, never a secret. */
export async function listKeys(app: INestApplicationContext, io: Io) {
  const keys = app.get(ApiKeysService);
  io.out(
    [
      'id',
      'title',
      'mask',
      'active',
      'privileges',
      'expires_at',
      'last_used_at',
    ].join('\t'),
  );
  for (let offset = 0; ; offset += 1000) {
    const page = await keys.list({ limit: 1000, offset });
    for (const key of page.items) {
      io.out(
        [
          key.id,
          key.title,
          key.mask,
          String(key.active),
          key.privileges.join(',') || '-',
          key.expires_at ?? 'never',
          key.last_used_at ?? 'never',
        ].join('\t'),
      );
    }
    if (offset + 1000 >= page.total) return;
  }
}

/** The first line of a stream, without its line ending ('' when empty). */
function firstLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    let line: string | undefined;
    lines.once('line', (text) => {
      line = text;
      lines.close();
    });
    lines.once('close', () => resolve(line ?? ''));
    stream.once('error', reject);
  });
}
