import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sessions gain a public handle, the IP and user agent at sign-in, how they
 * were signed in, and their assurance level (SPEC §16, §18). Sessions of
 * before keep working: each gets a handle of its own from gen_random_uuid
 * (122 random bits, not derived from the session's secret) before the column
 * becomes NOT NULL; method 'password' and aal 1 come from the defaults.
 */
export class SessionDetails1796518769181 implements MigrationInterface {
  name = 'SessionDetails1796518769181';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "sessions" ADD "handle" character varying(32)',
    );
    await queryRunner.query(
      `UPDATE "sessions" SET "handle" = replace(gen_random_uuid()::text, '-', '')`,
    );
    await queryRunner.query(
      'ALTER TABLE "sessions" ALTER COLUMN "handle" SET NOT NULL',
    );
    await queryRunner.query(
      'ALTER TABLE "sessions" ADD CONSTRAINT "UQ_2ff1475e1f37eb8b0b836ece5cd" UNIQUE ("handle")',
    );
    await queryRunner.query(
      'ALTER TABLE "sessions" ADD "ip" character varying(64)',
    );
    await queryRunner.query(
      'ALTER TABLE "sessions" ADD "user_agent" character varying(256)',
    );
    await queryRunner.query(
      `ALTER TABLE "sessions" ADD "method" character varying(16) NOT NULL DEFAULT 'password'`,
    );
    await queryRunner.query(
      `ALTER TABLE "sessions" ADD "aal" integer NOT NULL DEFAULT '1'`,
    );
    await queryRunner.query(
      'ALTER TABLE "sessions" ADD "stepped_up_at" bigint',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "sessions" DROP COLUMN "stepped_up_at"',
    );
    await queryRunner.query('ALTER TABLE "sessions" DROP COLUMN "aal"');
    await queryRunner.query('ALTER TABLE "sessions" DROP COLUMN "method"');
    await queryRunner.query('ALTER TABLE "sessions" DROP COLUMN "user_agent"');
    await queryRunner.query('ALTER TABLE "sessions" DROP COLUMN "ip"');
    await queryRunner.query(
      'ALTER TABLE "sessions" DROP CONSTRAINT "UQ_2ff1475e1f37eb8b0b836ece5cd"',
    );
    await queryRunner.query('ALTER TABLE "sessions" DROP COLUMN "handle"');
  }
}
