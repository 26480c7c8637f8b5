import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Roles (SPEC §12), and the roles that users and keys hold. The columns are
 * added in place rather than by rebuilding the tables, so no foreign key
 * (sessions → users) is touched.
 */
export class Roles1796160509307 implements MigrationInterface {
  name = 'Roles1796160509307';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "roles" ("id" varchar(64) PRIMARY KEY NOT NULL, "created_at" integer NOT NULL, "updated_at" integer NOT NULL, "created_by" varchar(100) NOT NULL, "title" varchar(100) NOT NULL, "description" varchar(1000) NOT NULL DEFAULT (''), "enabled" boolean NOT NULL DEFAULT (1), "privileges" text NOT NULL DEFAULT ('[]'), "categories" text NOT NULL DEFAULT ('[]'), "groups" text NOT NULL DEFAULT ('[]'))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_1a18f5b606e1723c1b14e33f54" ON "roles" ("created_at", "id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "api_keys" ADD COLUMN "roles" text NOT NULL DEFAULT ('[]')`,
    );
    await queryRunner.query(
      `ALTER TABLE "users" ADD COLUMN "roles" text NOT NULL DEFAULT ('[]')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "roles"`);
    await queryRunner.query(`ALTER TABLE "api_keys" DROP COLUMN "roles"`);
    await queryRunner.query(`DROP INDEX "IDX_1a18f5b606e1723c1b14e33f54"`);
    await queryRunner.query(`DROP TABLE "roles"`);
  }
}
