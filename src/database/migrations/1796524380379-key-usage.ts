import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Usage per key (SPEC §19): one row per key and UTC day, and the client IP
 * of a key's last request.
 */
export class KeyUsage1796524380379 implements MigrationInterface {
  name = 'KeyUsage1796524380379';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "api_key_usage" ("key_id" varchar(32) NOT NULL, "day" varchar(10) NOT NULL, "success" integer NOT NULL DEFAULT (0), "denied" integer NOT NULL DEFAULT (0), "rate_limited" integer NOT NULL DEFAULT (0), "routes" text NOT NULL, "privileges" text NOT NULL, PRIMARY KEY ("key_id", "day"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "api_keys" ADD COLUMN "last_used_ip" varchar(64)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "api_keys" DROP COLUMN "last_used_ip"`,
    );
    await queryRunner.query(`DROP TABLE "api_key_usage"`);
  }
}
