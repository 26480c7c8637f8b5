import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OpenID sign-ins under way travel sealed in their cookie instead of one
 * row each in sso_logins (GET /api/sso/login is public: a flood filled the
 * table). Only a used state is recorded now, until it would have expired.
 * Sign-ins under way at the upgrade are lost: they start again.
 */
export class SsoSpentStates1796527695049 implements MigrationInterface {
  name = 'SsoSpentStates1796527695049';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "sso_spent_states" ("digest" varchar(64) PRIMARY KEY NOT NULL, "expires_at" integer NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_fb4286913a026b5feb9c59022f" ON "sso_spent_states" ("expires_at") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_d654a1de712333084bcfe72c71"`);
    await queryRunner.query(`DROP TABLE "sso_logins"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "sso_logins" ("id" varchar(64) PRIMARY KEY NOT NULL, "state" varchar(64) NOT NULL, "nonce" varchar(64) NOT NULL, "code_verifier" varchar(128) NOT NULL, "return_to" varchar(2048), "created_at" integer NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_d654a1de712333084bcfe72c71" ON "sso_logins" ("created_at") `,
    );
    await queryRunner.query(`DROP INDEX "IDX_fb4286913a026b5feb9c59022f"`);
    await queryRunner.query(`DROP TABLE "sso_spent_states"`);
  }
}
