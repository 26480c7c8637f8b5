import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { Challenges } from './challenges';
import { MfaTokens } from './mfa-tokens';

const SWEEP_MS = 60 * 60 * 1000;

/** Hourly: spent challenges and mfa_tokens past their lifetime are forgotten. */
@Injectable()
export class MfaSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('MFA');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly challenges: Challenges,
    private readonly tokens: MfaTokens,
  ) {}

  sweep(): Promise<void> {
    return Promise.all([this.challenges.sweep(), this.tokens.sweep()]).then(
      () => undefined,
      (error: unknown) =>
        this.logger.warn(`MFA sweep failed: ${String(error)}`),
    );
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }
}
