import { startPostgres, type PostgresServer } from './postgres-server';

/**
 * Jest globalSetup of the e2e-on-PostgreSQL project: one server for the run;
 * test/helpers/test-app.ts gives each app its own database on it.
 */
export default async function setup(): Promise<void> {
  const server = await startPostgres();
  (globalThis as { __postgres?: PostgresServer }).__postgres = server;
  process.env.OPSGATE_TEST_POSTGRES = server.url();
}
