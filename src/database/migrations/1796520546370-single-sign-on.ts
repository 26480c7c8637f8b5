import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Single sign-on (SPEC §17): where each user came from, and the sign-ins
 * under way. The column is added in place rather than by rebuilding the
 * users table, so no foreign key (sessions → users) is touched.
 */
export class SingleSignOn1796520546370 implements MigrationInterface {
  name = 'SingleSignOn1796520546370';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "sso_logins" ("id" varchar(64) PRIMARY KEY NOT NULL, "state" varchar(64) NOT NULL, "nonce" varchar(64) NOT NULL, "code_verifier" varchar(128) NOT NULL, "return_to" varchar(2048), "created_at" integer NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_d654a1de712333084bcfe72c71" ON "sso_logins" ("created_at") `,
    );
    await queryRunner.query(
      `ALTER TABLE "users" ADD COLUMN "source" varchar(16) NOT NULL DEFAULT ('local')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "source"`);
    await queryRunner.query(`DROP INDEX "IDX_d654a1de712333084bcfe72c71"`);
    await queryRunner.query(`DROP TABLE "sso_logins"`);
  }
}
