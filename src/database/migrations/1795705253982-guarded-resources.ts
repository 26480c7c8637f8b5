import { MigrationInterface, QueryRunner } from 'typeorm';

export class GuardedResources1795705253982 implements MigrationInterface {
  name = 'GuardedResources1795705253982';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "alerts" ("id" varchar(64) PRIMARY KEY NOT NULL, "created_at" integer NOT NULL, "updated_at" integer NOT NULL, "created_by" varchar(100) NOT NULL, "title" varchar(100) NOT NULL, "groups" text NOT NULL DEFAULT ('[]'), "expression" text NOT NULL DEFAULT (''), "message" text NOT NULL DEFAULT (''))`,
    );
    await queryRunner.query(
      `CREATE TABLE "categories" ("id" varchar(64) PRIMARY KEY NOT NULL, "created_at" integer NOT NULL, "updated_at" integer NOT NULL, "created_by" varchar(100) NOT NULL, "title" varchar(100) NOT NULL, "description" varchar(1000) NOT NULL DEFAULT (''))`,
    );
    await queryRunner.query(
      `CREATE TABLE "events" ("id" varchar(64) PRIMARY KEY NOT NULL, "created_at" integer NOT NULL, "updated_at" integer NOT NULL, "created_by" varchar(100) NOT NULL, "title" varchar(100) NOT NULL, "category" varchar(64) NOT NULL, "targets" text NOT NULL DEFAULT ('[]'), "enabled" boolean NOT NULL DEFAULT (1), "command" text NOT NULL DEFAULT (''), "notes" text NOT NULL DEFAULT (''))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_c7deff278034b66f3326f3891e" ON "events" ("category", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "server_groups" ("id" varchar(64) PRIMARY KEY NOT NULL, "created_at" integer NOT NULL, "updated_at" integer NOT NULL, "created_by" varchar(100) NOT NULL, "title" varchar(100) NOT NULL, "description" varchar(1000) NOT NULL DEFAULT (''), "hostname_match" varchar(1000) NOT NULL DEFAULT (''))`,
    );
    await queryRunner.query(
      `CREATE TABLE "jobs" ("id" varchar(64) PRIMARY KEY NOT NULL, "created_at" integer NOT NULL, "updated_at" integer NOT NULL, "created_by" varchar(100) NOT NULL, "event_id" varchar(64) NOT NULL, "category" varchar(64) NOT NULL, "targets" text NOT NULL DEFAULT ('[]'), "state" varchar(16) NOT NULL DEFAULT ('queued'))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_722ff81ece35135757d76ee7e5" ON "jobs" ("event_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_78dda2c21fdb05357fbd2bd1f7" ON "jobs" ("category", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "monitors" ("id" varchar(64) PRIMARY KEY NOT NULL, "created_at" integer NOT NULL, "updated_at" integer NOT NULL, "created_by" varchar(100) NOT NULL, "title" varchar(100) NOT NULL, "groups" text NOT NULL DEFAULT ('[]'), "expression" text NOT NULL DEFAULT (''))`,
    );
    await queryRunner.query(
      `CREATE TABLE "tickets" ("id" varchar(64) PRIMARY KEY NOT NULL, "created_at" integer NOT NULL, "updated_at" integer NOT NULL, "created_by" varchar(100) NOT NULL, "subject" varchar(200) NOT NULL, "body" text NOT NULL DEFAULT (''), "category" varchar(64), "status" varchar(16) NOT NULL DEFAULT ('open'))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_0f97959cf74dca67e9791d10ef" ON "tickets" ("category", "created_at") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_0f97959cf74dca67e9791d10ef"`);
    await queryRunner.query(`DROP TABLE "tickets"`);
    await queryRunner.query(`DROP TABLE "monitors"`);
    await queryRunner.query(`DROP INDEX "IDX_78dda2c21fdb05357fbd2bd1f7"`);
    await queryRunner.query(`DROP INDEX "IDX_722ff81ece35135757d76ee7e5"`);
    await queryRunner.query(`DROP TABLE "jobs"`);
    await queryRunner.query(`DROP TABLE "server_groups"`);
    await queryRunner.query(`DROP INDEX "IDX_c7deff278034b66f3326f3891e"`);
    await queryRunner.query(`DROP TABLE "events"`);
    await queryRunner.query(`DROP TABLE "categories"`);
    await queryRunner.query(`DROP TABLE "alerts"`);
  }
}
