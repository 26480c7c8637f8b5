import { MigrationInterface, QueryRunner } from 'typeorm';

/** The OpenID subject a user belongs to, as ../../migrations/*-sso-subjects.ts. */
export class SsoSubjects1796526700100 implements MigrationInterface {
  name = 'SsoSubjects1796526700100';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "users" ADD "sso_subject" character varying(512)',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "users" DROP COLUMN "sso_subject"');
  }
}
