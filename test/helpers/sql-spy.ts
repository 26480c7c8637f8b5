import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { SqliteQueryRunner } from 'typeorm/driver/sqlite/SqliteQueryRunner';
import { onPostgres } from './test-database';

/** Records every SQL statement the app sends to the database while it is active. */
export class SqlSpy {
  readonly statements: string[] = [];
  /** The parameters of each statement, by position. */
  readonly parameters: unknown[][] = [];
  private readonly spy: jest.SpyInstance;

  constructor() {
    const runner = (
      onPostgres() ? PostgresQueryRunner : SqliteQueryRunner
    ) as typeof SqliteQueryRunner;
    const original = runner.prototype.query;
    const { statements, parameters } = this;
    this.spy = jest
      .spyOn(runner.prototype, 'query')
      .mockImplementation(function (this: SqliteQueryRunner, ...args) {
        statements.push(args[0]);
        parameters.push(args[1] ?? []);
        return original.apply(this, args);
      });
  }

  /** Statements matching, e.g. /^SELECT .* FROM "api_keys"/. */
  matching(pattern: RegExp): string[] {
    return this.statements.filter((sql) => pattern.test(sql));
  }

  reset(): void {
    this.statements.length = 0;
    this.parameters.length = 0;
  }

  restore(): void {
    this.spy.mockRestore();
  }
}
