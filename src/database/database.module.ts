import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { WriteLock } from './write-lock';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config.databasePath),
        // A local SQLite file that fails to open will not open on a retry.
        retryAttempts: 0,
      }),
    }),
  ],
  providers: [WriteLock],
  exports: [WriteLock],
})
export class DatabaseModule {}
