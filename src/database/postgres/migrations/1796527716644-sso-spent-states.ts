import { MigrationInterface, QueryRunner } from 'typeorm';

/** Used OpenID states instead of sign-ins under way, as ../../migrations/*-sso-spent-states.ts. */
export class SsoSpentStates1796527716644 implements MigrationInterface {
  name = 'SsoSpentStates1796527716644';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "sso_spent_states" ("digest" character varying(64) NOT NULL, "expires_at" bigint NOT NULL, CONSTRAINT "PK_755036e294ba349bb9296fe5fa4" PRIMARY KEY ("digest"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_fb4286913a026b5feb9c59022f" ON "sso_spent_states" ("expires_at") ',
    );
    await queryRunner.query('DROP TABLE "sso_logins"');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "sso_logins" ("id" character varying(64) NOT NULL, "state" character varying(64) NOT NULL, "nonce" character varying(64) NOT NULL, "code_verifier" character varying(128) NOT NULL, "return_to" character varying(2048), "created_at" bigint NOT NULL, CONSTRAINT "PK_236d02c8788cf5f22b311ac773c" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_d654a1de712333084bcfe72c71" ON "sso_logins" ("created_at") ',
    );
    await queryRunner.query(
      'DROP INDEX "public"."IDX_fb4286913a026b5feb9c59022f"',
    );
    await queryRunner.query('DROP TABLE "sso_spent_states"');
  }
}
