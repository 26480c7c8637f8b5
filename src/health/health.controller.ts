import { Controller, Get, Inject } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Public } from '../access/policy.decorator';
import { AppError } from '../http/app-error';
import {
  Answers,
  MayFail,
  named,
  strict,
  Summary,
  text,
} from '../validation/schema';
import { REDIS } from '../redis/redis.module';
import type { RedisLink } from '../redis/redis-link';

const HEALTH_SCHEMA = named('Health', () =>
  strict(
    {
      status: text({ enum: ['ok', 'degraded'] }),
      // Only when Redis is configured (SPEC §14).
      checks: strict({
        database: text({ enum: ['ok'] }),
        redis: text({ enum: ['ok', 'down'] }),
      }),
    },
    ['checks'],
  ),
);

@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: RedisLink | null,
  ) {}

  /**
   * Readiness: answers only after the database does. Redis down is
   * "degraded", still 200: the instance serves, on its own (SPEC §14).
   */
  @Get()
  @Public()
  @Answers(200, HEALTH_SCHEMA)
  @Summary('Check readiness: the database, and Redis if configured')
  @MayFail('unavailable')
  async health() {
    const [database, redis] = await Promise.all([
      this.dataSource.query('SELECT 1').then(
        () => true,
        () => false,
      ),
      this.redis?.ping(),
    ]);
    if (!database) {
      throw new AppError(503, 'unavailable', 'The database cannot be reached.');
    }
    if (redis === undefined) return { status: 'ok' };
    return {
      status: redis ? 'ok' : 'degraded',
      checks: { database: 'ok', redis: redis ? 'ok' : 'down' },
    };
  }

  /** Liveness: touches nothing. */
  @Get('live')
  @Public()
  @Answers(200, HEALTH_SCHEMA)
  @Summary('Check liveness: the process answers')
  live() {
    return { status: 'ok' };
  }
}
