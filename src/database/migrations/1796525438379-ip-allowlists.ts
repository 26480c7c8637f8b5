import { MigrationInterface, QueryRunner } from 'typeorm';

/** IP allowlists per key (SPEC §19): existing keys may be used from anywhere. */
export class IpAllowlists1796525438379 implements MigrationInterface {
  name = 'IpAllowlists1796525438379';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "api_keys" ADD COLUMN "allowed_ips" text NOT NULL DEFAULT ('[]')`,
    );
    await queryRunner.query(
      `ALTER TABLE "api_keys" ADD COLUMN "ip_policy" varchar(8) NOT NULL DEFAULT ('enforce')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "api_keys" DROP COLUMN "ip_policy"`);
    await queryRunner.query(`ALTER TABLE "api_keys" DROP COLUMN "allowed_ips"`);
  }
}
