import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795704869502 implements MigrationInterface {
  name = 'InitialSchema1795704869502';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "api_keys" ("id" varchar(32) PRIMARY KEY NOT NULL, "title" varchar(100) NOT NULL, "description" varchar(1000) NOT NULL DEFAULT (''), "key_hash" varchar(64) NOT NULL, "mask" varchar(16) NOT NULL, "previous_key_hash" varchar(64), "previous_expires_at" integer, "active" boolean NOT NULL DEFAULT (1), "privileges" text NOT NULL DEFAULT ('[]'), "categories" text NOT NULL DEFAULT ('[]'), "groups" text NOT NULL DEFAULT ('[]'), "max_per_sec" integer NOT NULL DEFAULT (0), "expires_at" integer, "created_at" integer NOT NULL, "updated_at" integer NOT NULL, "last_used_at" integer, "created_by" varchar(100) NOT NULL, CONSTRAINT "UQ_57384430aa1959f4578046c9b81" UNIQUE ("key_hash"), CONSTRAINT "UQ_3a5d4e164cbc2303c3cd59cce0e" UNIQUE ("previous_key_hash"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "users" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "username" varchar(64) NOT NULL, "username_key" varchar(64) NOT NULL, "full_name" varchar(200) NOT NULL DEFAULT (''), "password_hash" varchar(300) NOT NULL, "active" boolean NOT NULL DEFAULT (1), "privileges" text NOT NULL DEFAULT ('[]'), "categories" text NOT NULL DEFAULT ('[]'), "groups" text NOT NULL DEFAULT ('[]'), "created_at" integer NOT NULL, "updated_at" integer NOT NULL, CONSTRAINT "UQ_43f388ec81c5e6e796845dad903" UNIQUE ("username_key"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "sessions" ("id" varchar(32) PRIMARY KEY NOT NULL, "token_hash" varchar(64) NOT NULL, "csrf_hash" varchar(64) NOT NULL, "user_id" integer NOT NULL, "created_at" integer NOT NULL, "last_seen_at" integer NOT NULL, CONSTRAINT "UQ_abaa9e068cdd390bc5210f79884" UNIQUE ("token_hash"), CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_085d540d9f418cfbdc7bd55bb1" ON "sessions" ("user_id") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_085d540d9f418cfbdc7bd55bb1"`);
    await queryRunner.query(`DROP TABLE "sessions"`);
    await queryRunner.query(`DROP TABLE "users"`);
    await queryRunner.query(`DROP TABLE "api_keys"`);
  }
}
