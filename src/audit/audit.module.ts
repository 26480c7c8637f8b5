import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DENIAL_RECORDER } from '../http/denial-recorder';
import { ActivityController } from './activity.controller';
import { AuditEntry } from './audit-entry.entity';
import { AuditLog } from './audit-log';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';

/** Imported by every feature that changes a credential or a right: each writes its entry. */
@Module({
  imports: [TypeOrmModule.forFeature([AuditEntry])],
  controllers: [AuditController, ActivityController],
  providers: [
    AuditLog,
    AuditService,
    { provide: DENIAL_RECORDER, useExisting: AuditLog },
  ],
  exports: [AuditLog, AuditService, DENIAL_RECORDER],
})
export class AuditModule {}
