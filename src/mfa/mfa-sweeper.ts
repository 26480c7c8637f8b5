import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { repeat } from '../time/repeat';
import { Challenges } from './challenges';
import { MfaTokens } from './mfa-tokens';

const SWEEP_MS = 60 * 60 * 1000;

/** Hourly: spent challenges and mfa_tokens past their lifetime are forgotten. */
@Injectable()
export class MfaSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('MFA');
  private stopSweeping?: () => void;

  constructor(
    private readonly challenges: Challenges,
    private readonly tokens: MfaTokens,
  ) {}

  onApplicationBootstrap(): void {
    this.stopSweeping = repeat(
      SWEEP_MS,
      () => Promise.all([this.challenges.sweep(), this.tokens.sweep()]),
      (error) => this.logger.warn(`MFA sweep failed: ${String(error)}`),
    );
  }

  onModuleDestroy(): void {
    this.stopSweeping?.();
  }
}
