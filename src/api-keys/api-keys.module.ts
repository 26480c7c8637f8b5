import { RedisModule } from '../redis/redis.module';
import { AuditModule } from '../audit/audit.module';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKey } from './api-key.entity';
import { ApiKeyUsage } from './api-key-usage.entity';
import { KeyUsage } from './key-usage';
import { ApiKeyVerifier } from './api-key.verifier';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';

@Module({
  imports: [
    AuditModule,
    RedisModule,
    TypeOrmModule.forFeature([ApiKey, ApiKeyUsage]),
  ],
  controllers: [ApiKeysController],
  providers: [ApiKeysService, ApiKeyVerifier, KeyUsage],
  exports: [ApiKeysService, ApiKeyVerifier, KeyUsage],
})
export class ApiKeysModule {}
