import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sessions gain a public handle, the IP and user agent at sign-in, how they
 * were signed in, and their assurance level (SPEC §16, §18). Sessions of
 * before keep working: each gets a handle of 96 random bits of its own
 * (SQLite's randomblob, not derived from the session's secret), method
 * 'password' and aal 1 by the column defaults.
 */
export class SessionDetails1796518758159 implements MigrationInterface {
  name = 'SessionDetails1796518758159';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_085d540d9f418cfbdc7bd55bb1"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_sessions" ("id" varchar(32) PRIMARY KEY NOT NULL, "token_hash" varchar(64) NOT NULL, "csrf_hash" varchar(64) NOT NULL, "user_id" integer NOT NULL, "created_at" integer NOT NULL, "last_seen_at" integer NOT NULL, "handle" varchar(32) NOT NULL, "ip" varchar(64), "user_agent" varchar(256), "method" varchar(16) NOT NULL DEFAULT ('password'), "aal" integer NOT NULL DEFAULT (1), "stepped_up_at" integer, CONSTRAINT "UQ_abaa9e068cdd390bc5210f79884" UNIQUE ("token_hash"), CONSTRAINT "UQ_4f6133a1b9de834f23283de4c70" UNIQUE ("handle"), CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_sessions"("id", "token_hash", "csrf_hash", "user_id", "created_at", "last_seen_at", "handle") SELECT "id", "token_hash", "csrf_hash", "user_id", "created_at", "last_seen_at", lower(hex(randomblob(12))) FROM "sessions"`,
    );
    await queryRunner.query(`DROP TABLE "sessions"`);
    await queryRunner.query(
      `ALTER TABLE "temporary_sessions" RENAME TO "sessions"`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_085d540d9f418cfbdc7bd55bb1" ON "sessions" ("user_id") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_085d540d9f418cfbdc7bd55bb1"`);
    await queryRunner.query(
      `ALTER TABLE "sessions" RENAME TO "temporary_sessions"`,
    );
    await queryRunner.query(
      `CREATE TABLE "sessions" ("id" varchar(32) PRIMARY KEY NOT NULL, "token_hash" varchar(64) NOT NULL, "csrf_hash" varchar(64) NOT NULL, "user_id" integer NOT NULL, "created_at" integer NOT NULL, "last_seen_at" integer NOT NULL, CONSTRAINT "UQ_abaa9e068cdd390bc5210f79884" UNIQUE ("token_hash"), CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "sessions"("id", "token_hash", "csrf_hash", "user_id", "created_at", "last_seen_at") SELECT "id", "token_hash", "csrf_hash", "user_id", "created_at", "last_seen_at" FROM "temporary_sessions"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_sessions"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_085d540d9f418cfbdc7bd55bb1" ON "sessions" ("user_id") `,
    );
  }
}
