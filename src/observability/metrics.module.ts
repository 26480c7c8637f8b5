import { RedisModule } from '../redis/redis.module';
import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { SessionsModule } from '../sessions/sessions.module';
import { MetricsService } from './metrics.service';

@Module({
  imports: [RedisModule, ApiKeysModule, SessionsModule],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule {}
