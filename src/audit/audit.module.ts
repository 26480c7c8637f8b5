import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DENIAL_RECORDER } from '../common/denial-recorder';
import { AuditEntry } from './audit-entry.entity';
import { AuditLog } from './audit-log';
import { AuditController } from './audit.controller';

/** Global: every feature that changes a credential or a right writes its entry. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuditEntry])],
  controllers: [AuditController],
  providers: [AuditLog, { provide: DENIAL_RECORDER, useExisting: AuditLog }],
  exports: [AuditLog, DENIAL_RECORDER],
})
export class AuditModule {}
