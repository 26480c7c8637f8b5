import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SPEC §18: TOTP factors, recovery codes, passkeys, sign-ins awaiting their
 * second factor, spent WebAuthn challenges, and generated key material.
 */
export class SecondFactors1796519214849 implements MigrationInterface {
  name = 'SecondFactors1796519214849';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "mfa_tokens" ("id" varchar(16) PRIMARY KEY NOT NULL, "token_hash" varchar(64) NOT NULL, "user_id" integer NOT NULL, "failures" integer NOT NULL DEFAULT (0), "expires_at" integer NOT NULL, CONSTRAINT "UQ_204d7e5d3b7ed1a57db11dabae2" UNIQUE ("token_hash"), CONSTRAINT "FK_18f98816f021277ad2b8a92de04" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `CREATE TABLE "passkeys" ("id" varchar(16) PRIMARY KEY NOT NULL, "user_id" integer NOT NULL, "credential_id" varchar(1400) NOT NULL, "public_key" text NOT NULL, "counter" integer NOT NULL, "transports" text NOT NULL, "name" varchar(100) NOT NULL, "created_at" integer NOT NULL, "last_used_at" integer, CONSTRAINT "UQ_81b80835fab9dcadaebc6d168ab" UNIQUE ("credential_id"), CONSTRAINT "FK_02227b9a8a34a808e3e23800b00" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `CREATE TABLE "recovery_codes" ("id" varchar(16) PRIMARY KEY NOT NULL, "user_id" integer NOT NULL, "code_hash" varchar(64) NOT NULL, "created_at" integer NOT NULL, CONSTRAINT "FK_fb82b2ac740ca095b617afad031" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `CREATE TABLE "server_secrets" ("name" varchar(64) PRIMARY KEY NOT NULL, "value" varchar(200) NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE TABLE "spent_challenges" ("digest" varchar(64) PRIMARY KEY NOT NULL, "expires_at" integer NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE TABLE "totp_factors" ("user_id" integer PRIMARY KEY NOT NULL, "sealed_secret" varchar(200) NOT NULL, "confirmed_at" integer, "last_step" integer, "created_at" integer NOT NULL, CONSTRAINT "FK_eded11141800ddff9dfbd017fd2" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_02227b9a8a34a808e3e23800b0" ON "passkeys" ("user_id")`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_d07c335ded337e58c4f36f234d" ON "recovery_codes" ("user_id", "code_hash")`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_efbd072862f793e021d534498e" ON "spent_challenges" ("expires_at")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_efbd072862f793e021d534498e"`);
    await queryRunner.query(`DROP INDEX "IDX_d07c335ded337e58c4f36f234d"`);
    await queryRunner.query(`DROP INDEX "IDX_02227b9a8a34a808e3e23800b0"`);
    await queryRunner.query(`DROP TABLE "totp_factors"`);
    await queryRunner.query(`DROP TABLE "spent_challenges"`);
    await queryRunner.query(`DROP TABLE "server_secrets"`);
    await queryRunner.query(`DROP TABLE "recovery_codes"`);
    await queryRunner.query(`DROP TABLE "passkeys"`);
    await queryRunner.query(`DROP TABLE "mfa_tokens"`);
  }
}
