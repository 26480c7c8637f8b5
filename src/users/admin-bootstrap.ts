import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { ADMIN } from '../access/privileges';
import { randomString } from '../secrets/secrets';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { UsersService } from './users.service';

/** Creates the first administrator when, and only when, the users table is empty. */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('Bootstrap');

  constructor(
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if ((await this.users.count()) > 0) return;
    const generated = this.config.adminPassword === undefined;
    const password = this.config.adminPassword ?? randomString(24);
    const admin = await this.users.create(
      {
        username: this.config.adminUsername,
        password,
        full_name: 'Administrator',
        privileges: [ADMIN],
      },
      // Start-up itself, not a caller.
      { actor: null, ip: null, requestId: null },
      true,
    );
    // Another instance, started at the same time, created it first.
    if (admin === null) return;
    if (!generated) {
      this.logger.log(
        `Created administrator "${this.config.adminUsername}" with the password from ADMIN_PASSWORD.`,
      );
      return;
    }
    const message = `Created administrator "${this.config.adminUsername}" with generated password: ${password}`;
    this.logger.warn(message);
    // Printed this once only, so it must show even when LOG_LEVEL hides warnings.
    if (!Logger.isLevelEnabled('warn')) process.stderr.write(`${message}\n`);
  }
}
