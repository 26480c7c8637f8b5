import { Global, Module } from '@nestjs/common';
import { Clock } from './clock';
import { CredentialChanges } from './credential-changes';

@Global()
@Module({
  providers: [Clock, CredentialChanges],
  exports: [Clock, CredentialChanges],
})
export class CommonModule {}
