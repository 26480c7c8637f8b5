import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { migrateUnderLock } from '../database/postgres/migrate';
import { ServerKeys } from '../database/server-keys';
import { WriteLock } from '../database/write-lock';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config),
        // A local SQLite file that fails to open will not open on a retry, and
        // an unreachable PostgreSQL should stop start-up at once, not in 30 s.
        retryAttempts: 0,
      }),
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options!).initialize();
        if (options?.type === 'postgres') await migrateUnderLock(dataSource);
        return dataSource;
      },
    }),
  ],
  providers: [WriteLock, ServerKeys],
  exports: [WriteLock, ServerKeys],
})
export class DatabaseModule {}
