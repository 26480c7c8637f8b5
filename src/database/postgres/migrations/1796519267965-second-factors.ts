import { MigrationInterface, QueryRunner } from 'typeorm';

export class SecondFactors1796519267965 implements MigrationInterface {
  name = 'SecondFactors1796519267965';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "mfa_tokens" ("id" character varying(16) NOT NULL, "token_hash" character varying(64) NOT NULL, "user_id" integer NOT NULL, "failures" integer NOT NULL DEFAULT \'0\', "expires_at" bigint NOT NULL, CONSTRAINT "UQ_204d7e5d3b7ed1a57db11dabae2" UNIQUE ("token_hash"), CONSTRAINT "PK_630ce2501ccd51107c236f95933" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "passkeys" ("id" character varying(16) NOT NULL, "user_id" integer NOT NULL, "credential_id" character varying(1400) NOT NULL, "public_key" text NOT NULL, "counter" bigint NOT NULL, "transports" text NOT NULL, "name" character varying(100) NOT NULL, "created_at" bigint NOT NULL, "last_used_at" bigint, CONSTRAINT "UQ_81b80835fab9dcadaebc6d168ab" UNIQUE ("credential_id"), CONSTRAINT "PK_db928e6fd79e7098911268a74c3" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_02227b9a8a34a808e3e23800b0" ON "passkeys" ("user_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "recovery_codes" ("id" character varying(16) NOT NULL, "user_id" integer NOT NULL, "code_hash" character varying(64) NOT NULL, "created_at" bigint NOT NULL, CONSTRAINT "PK_0723b9e53961e799027d7f7ba32" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "IDX_d07c335ded337e58c4f36f234d" ON "recovery_codes" ("user_id", "code_hash") ',
    );
    await queryRunner.query(
      'CREATE TABLE "server_secrets" ("name" character varying(64) NOT NULL, "value" character varying(200) NOT NULL, CONSTRAINT "PK_776280895f188bb4dd7028779cd" PRIMARY KEY ("name"))',
    );
    await queryRunner.query(
      'CREATE TABLE "spent_challenges" ("digest" character varying(64) NOT NULL, "expires_at" bigint NOT NULL, CONSTRAINT "PK_d94724f3b9d6c4314c292382388" PRIMARY KEY ("digest"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_efbd072862f793e021d534498e" ON "spent_challenges" ("expires_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "totp_factors" ("user_id" integer NOT NULL, "sealed_secret" character varying(200) NOT NULL, "confirmed_at" bigint, "last_step" integer, "created_at" bigint NOT NULL, CONSTRAINT "PK_eded11141800ddff9dfbd017fd2" PRIMARY KEY ("user_id"))',
    );
    await queryRunner.query(
      'ALTER TABLE "mfa_tokens" ADD CONSTRAINT "FK_18f98816f021277ad2b8a92de04" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "passkeys" ADD CONSTRAINT "FK_02227b9a8a34a808e3e23800b00" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "recovery_codes" ADD CONSTRAINT "FK_fb82b2ac740ca095b617afad031" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "totp_factors" ADD CONSTRAINT "FK_eded11141800ddff9dfbd017fd2" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "totp_factors" DROP CONSTRAINT "FK_eded11141800ddff9dfbd017fd2"',
    );
    await queryRunner.query(
      'ALTER TABLE "recovery_codes" DROP CONSTRAINT "FK_fb82b2ac740ca095b617afad031"',
    );
    await queryRunner.query(
      'ALTER TABLE "passkeys" DROP CONSTRAINT "FK_02227b9a8a34a808e3e23800b00"',
    );
    await queryRunner.query(
      'ALTER TABLE "mfa_tokens" DROP CONSTRAINT "FK_18f98816f021277ad2b8a92de04"',
    );
    await queryRunner.query('DROP TABLE "totp_factors"');
    await queryRunner.query(
      'DROP INDEX "public"."IDX_efbd072862f793e021d534498e"',
    );
    await queryRunner.query('DROP TABLE "spent_challenges"');
    await queryRunner.query('DROP TABLE "server_secrets"');
    await queryRunner.query(
      'DROP INDEX "public"."IDX_d07c335ded337e58c4f36f234d"',
    );
    await queryRunner.query('DROP TABLE "recovery_codes"');
    await queryRunner.query(
      'DROP INDEX "public"."IDX_02227b9a8a34a808e3e23800b0"',
    );
    await queryRunner.query('DROP TABLE "passkeys"');
    await queryRunner.query('DROP TABLE "mfa_tokens"');
  }
}
