import { SqliteQueryRunner } from 'typeorm/driver/sqlite/SqliteQueryRunner';

/** Records every SQL statement the app sends to SQLite while it is active. */
export class SqlSpy {
  readonly statements: string[] = [];
  private readonly spy: jest.SpyInstance;

  constructor() {
    const original = SqliteQueryRunner.prototype.query;
    const statements = this.statements;
    this.spy = jest
      .spyOn(SqliteQueryRunner.prototype, 'query')
      .mockImplementation(function (this: SqliteQueryRunner, ...args) {
        statements.push(args[0]);
        return original.apply(this, args);
      });
  }

  /** Statements matching, e.g. /^SELECT .* FROM "api_keys"/. */
  matching(pattern: RegExp): string[] {
    return this.statements.filter((sql) => pattern.test(sql));
  }

  reset(): void {
    this.statements.length = 0;
  }

  restore(): void {
    this.spy.mockRestore();
  }
}
