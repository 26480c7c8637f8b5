import { RedisModule } from '../redis/redis.module';
import { AuditModule } from '../audit/audit.module';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKey } from './api-key.entity';
import { ApiKeyUsage } from './api-key-usage.entity';
import { KeyUsage } from './key-usage';
import { LeakedKeys } from './leaked-keys';
import { LeakedKeysController } from './leaked-keys.controller';
import { ClientFailures } from '../rate-limits/client-failures';
import { ApiKeyVerifier } from './api-key.verifier';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';

@Module({
  imports: [
    AuditModule,
    RedisModule,
    TypeOrmModule.forFeature([ApiKey, ApiKeyUsage]),
  ],
  controllers: [ApiKeysController, LeakedKeysController],
  providers: [
    ApiKeysService,
    ApiKeyVerifier,
    KeyUsage,
    LeakedKeys,
    ClientFailures,
  ],
  exports: [ApiKeysService, ApiKeyVerifier, KeyUsage, LeakedKeys],
})
export class ApiKeysModule {}
