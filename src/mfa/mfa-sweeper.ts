import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { Challenges } from './challenges';
import { MfaSignIn } from './mfa-sign-in.service';

const SWEEP_MS = 60 * 60 * 1000;

/** Hourly: spent challenges and mfa_tokens past their lifetime are forgotten. */
@Injectable()
export class MfaSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('MFA');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly challenges: Challenges,
    private readonly signIn: MfaSignIn,
  ) {}

  sweep(): Promise<void> {
    return Promise.all([this.challenges.sweep(), this.signIn.sweep()]).then(
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
