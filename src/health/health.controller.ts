import { Controller, Get } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Public } from '../auth/policy.decorator';
import { AppError } from '../common/app-error';

@Controller('health')
export class HealthController {
  constructor(private readonly dataSource: DataSource) {}

  /** Readiness: answers only after the database does. */
  @Get()
  @Public()
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
  live() {
    return { status: 'ok' };
  }
}
