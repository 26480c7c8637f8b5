import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The OpenID subject a user belongs to: SSO opens a user for its provider
 * account only, not for any account that claims its username. Users from
 * before have none; their next sign-in binds them.
 */
export class SsoSubjects1796526700000 implements MigrationInterface {
  name = 'SsoSubjects1796526700000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "users" ADD COLUMN "sso_subject" varchar(512)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "sso_subject"`);
  }
}
