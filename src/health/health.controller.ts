import { Controller, Get } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Public } from '../auth/policy.decorator';
import { AppError } from '../common/app-error';
import { Answers, MayFail, named, strict, text } from '../common/schema';

const HEALTH_SCHEMA = named('Health', () =>
  strict({ status: text({ enum: ['ok'] }) }),
);

@Controller('health')
export class HealthController {
  constructor(private readonly dataSource: DataSource) {}

  /** Readiness: answers only after the database does. */
  @Get()
  @Public()
  @Answers(200, HEALTH_SCHEMA)
  @MayFail('unavailable')
  async health() {
    try {
      await this.dataSource.query('SELECT 1');
    } catch {
      throw new AppError(503, 'unavailable', 'The database cannot be reached.');
    }
    return { status: 'ok' };
  }

  /** Liveness: touches nothing. */
  @Get('live')
  @Public()
  @Answers(200, HEALTH_SCHEMA)
  live() {
    return { status: 'ok' };
  }
}
