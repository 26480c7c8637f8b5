import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { deriveKey } from '../secrets/seal';
import { ServerSecret } from './server-secret.entity';
import { WriteLock } from './write-lock';

/** The row's name predates other uses than second factors; kept, so keys stay the same. */
const STORED_KEY = 'mfa_key';

/**
 * The server's keys, each derived for one purpose (secrets/seal.ts) from one
 * piece of key material: MFA_SECRET_KEY when set, else a random value
 * generated once and kept in the `server_secrets` table, so a fresh
 * `npm start` works and every instance on the database agrees. Kept in the
 * database it guards against a leaked table, log or cookie, not against a
 * stolen database; the README says to set MFA_SECRET_KEY for that.
 */
@Injectable()
export class ServerKeys {
  private readonly logger = new Logger('Keys');
  private material?: Promise<string>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly lock: WriteLock,
  ) {}

  /** The key for `purpose` (read or made once per process). */
  async key(purpose: string): Promise<Buffer> {
    this.material ??= this.config.mfaSecretKey
      ? Promise.resolve(this.config.mfaSecretKey)
      : this.storedMaterial();
    return deriveKey(await this.material, purpose);
  }

  /** Created by whichever instance comes first; the others read the same row. */
  private async storedMaterial(): Promise<string> {
    const repository = this.dataSource.getRepository(ServerSecret);
    const found = await repository.findOneBy({ name: STORED_KEY });
    if (found) return found.value;
    await this.lock.exclusive(() =>
      repository
        .createQueryBuilder()
        .insert()
        .values({
          name: STORED_KEY,
          value: randomBytes(32).toString('base64url'),
        })
        .orIgnore()
        .execute(),
    );
    this.logger.log(
      "Generated the server's key material and kept it in the database; set MFA_SECRET_KEY to keep it apart.",
    );
    return (await repository.findOneByOrFail({ name: STORED_KEY })).value;
  }
}
