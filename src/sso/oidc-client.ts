import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { BaseClient, Issuer, custom } from 'openid-client';
import { Clock } from '../time/clock';
import { APP_CONFIG, AppConfig, OidcConfig } from '../config/app-config';

/** SPEC §17: start-up waits at most this long for the discovery document. */
export const DISCOVERY_WAIT_MS = 10_000;
/** …and, while it has not come, tries again at least this often. */
export const DISCOVERY_RETRY_MS = 10_000;
/** Leeway on the ID token's iat and exp. */
const CLOCK_TOLERANCE_SECONDS = 10;

/**
 * The OpenID provider as openid-client (a certified relying party library)
 * knows it after discovery. Until discovery succeeds, sign-ins answer
 * `unavailable`: a timer retries every 10 s, and a sign-in arriving when the
 * last attempt is that old retries at once (and waits for it), so a provider
 * that comes back is seen by the very next sign-in.
 */
@Injectable()
export class OidcClient implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('SSO');
  private readonly settings: OidcConfig | undefined;
  private client: BaseClient | null = null;
  private attempt: Promise<void> | null = null;
  private lastAttempt = -Infinity;
  private failing = false;
  private retry?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.settings = config.sso.oidc;
  }

  get enabled(): boolean {
    return this.settings !== undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.settings) return;
    await this.discover();
    if (this.client) return;
    this.retry = setInterval(() => {
      if (this.client) clearInterval(this.retry);
      else void this.discover();
    }, DISCOVERY_RETRY_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.retry);
  }

  /** The client, or null while the provider's discovery has not succeeded. */
  async ready(): Promise<BaseClient | null> {
    if (this.client || !this.settings) return this.client;
    const due = this.clock.now() - this.lastAttempt >= DISCOVERY_RETRY_MS;
    await (due ? this.discover() : this.attempt);
    return this.client;
  }

  /** One attempt at a time, bounded by DISCOVERY_WAIT_MS whatever the network does. */
  private discover(): Promise<void> {
    const settings = this.settings;
    if (!settings || this.client) return Promise.resolve();
    this.lastAttempt = this.clock.now();
    this.attempt ??= withDeadline(Issuer.discover(settings.issuer))
      .then((issuer) => {
        const client = new issuer.Client({
          client_id: settings.clientId,
          client_secret: settings.clientSecret,
          redirect_uris: [settings.redirectUri],
          response_types: ['code'],
        });
        // The provider's clock and ours differ a little; without leeway an
        // ID token issued "in the future" by a second is refused.
        client[custom.clock_tolerance] = CLOCK_TOLERANCE_SECONDS;
        this.client = client;
        this.logger.log(`OpenID provider ${settings.issuer} discovered`);
      })
      .catch((error: unknown) => {
        // Once per outage, not every 10 s.
        if (!this.failing) {
          this.logger.warn(
            `OpenID provider ${settings.issuer} unavailable (${errorText(error)}); single sign-on answers "unavailable" and discovery is retried every ${DISCOVERY_RETRY_MS / 1000} s`,
          );
        }
        this.failing = true;
      })
      .finally(() => {
        this.attempt = null;
      });
    return this.attempt;
  }
}

function withDeadline<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${DISCOVERY_WAIT_MS} ms`)),
      DISCOVERY_WAIT_MS,
    );
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

const errorText = (error: unknown) =>
  error instanceof Error ? error.message : String(error);
