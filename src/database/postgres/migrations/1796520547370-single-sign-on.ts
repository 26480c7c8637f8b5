import { MigrationInterface, QueryRunner } from 'typeorm';

/** Single sign-on (SPEC §17), as ../../migrations/*-single-sign-on.ts. */
export class SingleSignOn1796520547370 implements MigrationInterface {
  name = 'SingleSignOn1796520547370';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "sso_logins" ("id" character varying(64) NOT NULL, "state" character varying(64) NOT NULL, "nonce" character varying(64) NOT NULL, "code_verifier" character varying(128) NOT NULL, "return_to" character varying(2048), "created_at" bigint NOT NULL, CONSTRAINT "PK_236d02c8788cf5f22b311ac773c" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_d654a1de712333084bcfe72c71" ON "sso_logins" ("created_at") ',
    );
    await queryRunner.query(
      'ALTER TABLE "users" ADD "source" character varying(16) NOT NULL DEFAULT \'local\'',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "users" DROP COLUMN "source"');
    await queryRunner.query(
      'DROP INDEX "public"."IDX_d654a1de712333084bcfe72c71"',
    );
    await queryRunner.query('DROP TABLE "sso_logins"');
  }
}
