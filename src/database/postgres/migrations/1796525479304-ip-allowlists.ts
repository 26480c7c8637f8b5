import { MigrationInterface, QueryRunner } from 'typeorm';

/** IP allowlists per key (SPEC §19), as ../../migrations/1796525438379-ip-allowlists.ts. */
export class IpAllowlists1796525479304 implements MigrationInterface {
  name = 'IpAllowlists1796525479304';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Lists have no default on PostgreSQL (columns.ts): one only to fill existing rows.
    await queryRunner.query(
      `ALTER TABLE "api_keys" ADD "allowed_ips" text NOT NULL DEFAULT '[]'`,
    );
    await queryRunner.query(
      'ALTER TABLE "api_keys" ALTER COLUMN "allowed_ips" DROP DEFAULT',
    );
    await queryRunner.query(
      'ALTER TABLE "api_keys" ADD "ip_policy" character varying(8) NOT NULL DEFAULT \'enforce\'',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "api_keys" DROP COLUMN "ip_policy"');
    await queryRunner.query('ALTER TABLE "api_keys" DROP COLUMN "allowed_ips"');
  }
}
