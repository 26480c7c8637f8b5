import { MigrationInterface, QueryRunner } from 'typeorm';

/** Usage per key (SPEC §19), as ../../migrations/1796524380379-key-usage.ts. */
export class KeyUsage1796524442680 implements MigrationInterface {
  name = 'KeyUsage1796524442680';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "api_key_usage" ("key_id" character varying(32) NOT NULL, "day" character varying(10) NOT NULL, "success" integer NOT NULL DEFAULT \'0\', "denied" integer NOT NULL DEFAULT \'0\', "rate_limited" integer NOT NULL DEFAULT \'0\', "routes" text NOT NULL, "privileges" text NOT NULL, CONSTRAINT "PK_23753d627da4a73abd8f45bd6da" PRIMARY KEY ("key_id", "day"))',
    );
    await queryRunner.query(
      'ALTER TABLE "api_keys" ADD "last_used_ip" character varying(64)',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "api_keys" DROP COLUMN "last_used_ip"',
    );
    await queryRunner.query('DROP TABLE "api_key_usage"');
  }
}
