import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1796162889874 implements MigrationInterface {
  name = 'InitialSchema1796162889874';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "alerts" ("id" character varying(64) NOT NULL, "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, "created_by" character varying(100) NOT NULL, "title" character varying(100) NOT NULL, "groups" text NOT NULL, "expression" text NOT NULL DEFAULT \'\', "message" text NOT NULL DEFAULT \'\', CONSTRAINT "PK_60f895662df096bfcdfab7f4b96" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_7aac6c795ff36876cd72396d77" ON "alerts" ("created_at", "id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "audit_log" ("id" SERIAL NOT NULL, "at" bigint NOT NULL, "actor" character varying(100), "action" character varying(32) NOT NULL, "target_type" character varying(16), "target_id" character varying(100), "outcome" character varying(16) NOT NULL, "code" character varying(64), "ip" character varying(64), "request_id" character varying(64), "details" text NOT NULL, CONSTRAINT "PK_07fefa57f7f5ab8fc3f52b3ed0b" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_ba27cef5b8b2b1a756e06ebcc5" ON "audit_log" ("at") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_b24e98ef90e2b356263d4487e4" ON "audit_log" ("actor") ',
    );
    await queryRunner.query(
      'CREATE TABLE "api_keys" ("privileges" text NOT NULL, "categories" text NOT NULL, "groups" text NOT NULL, "roles" text NOT NULL, "id" character varying(32) NOT NULL, "title" character varying(100) NOT NULL, "description" character varying(1000) NOT NULL DEFAULT \'\', "key_hash" character varying(64) NOT NULL, "mask" character varying(16) NOT NULL, "previous_key_hash" character varying(64), "previous_expires_at" bigint, "active" boolean NOT NULL DEFAULT true, "max_per_sec" integer NOT NULL DEFAULT \'0\', "expires_at" bigint, "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, "last_used_at" bigint, "created_by" character varying(100) NOT NULL, CONSTRAINT "UQ_57384430aa1959f4578046c9b81" UNIQUE ("key_hash"), CONSTRAINT "UQ_3a5d4e164cbc2303c3cd59cce0e" UNIQUE ("previous_key_hash"), CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "categories" ("id" character varying(64) NOT NULL, "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, "created_by" character varying(100) NOT NULL, "title" character varying(100) NOT NULL, "description" character varying(1000) NOT NULL DEFAULT \'\', CONSTRAINT "PK_24dbc6126a28ff948da33e97d3b" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_803808891b6e8128e40ed75b7f" ON "categories" ("created_at", "id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "events" ("id" character varying(64) NOT NULL, "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, "created_by" character varying(100) NOT NULL, "title" character varying(100) NOT NULL, "category" character varying(64) NOT NULL, "targets" text NOT NULL, "enabled" boolean NOT NULL DEFAULT true, "command" text NOT NULL DEFAULT \'\', "notes" text NOT NULL DEFAULT \'\', CONSTRAINT "PK_40731c7151fe4be3116e45ddf73" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_3611d330e5814bd1d42b62ac00" ON "events" ("created_at", "id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_f544e9bc4838f509d739737268" ON "events" ("category", "created_at", "id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "server_groups" ("id" character varying(64) NOT NULL, "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, "created_by" character varying(100) NOT NULL, "title" character varying(100) NOT NULL, "description" character varying(1000) NOT NULL DEFAULT \'\', "hostname_match" character varying(1000) NOT NULL DEFAULT \'\', CONSTRAINT "PK_ff504da13d7405852150618da57" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_7bf9f4ee693dcdc5db8a20a568" ON "server_groups" ("created_at", "id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "jobs" ("id" character varying(64) NOT NULL, "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, "created_by" character varying(100) NOT NULL, "event_id" character varying(64) NOT NULL, "category" character varying(64) NOT NULL, "targets" text NOT NULL, "state" character varying(16) NOT NULL DEFAULT \'queued\', CONSTRAINT "PK_cf0a6c42b72fcc7f7c237def345" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_69900548a2defb870a54657573" ON "jobs" ("created_at", "id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_722ff81ece35135757d76ee7e5" ON "jobs" ("event_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_c45c26cebe60adfd90965735c5" ON "jobs" ("category", "created_at", "id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "monitors" ("id" character varying(64) NOT NULL, "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, "created_by" character varying(100) NOT NULL, "title" character varying(100) NOT NULL, "groups" text NOT NULL, "expression" text NOT NULL DEFAULT \'\', CONSTRAINT "PK_193902e2013887310490284cdbe" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_98be5f57ee35446c0a8cecdd81" ON "monitors" ("created_at", "id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "roles" ("id" character varying(64) NOT NULL, "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, "created_by" character varying(100) NOT NULL, "title" character varying(100) NOT NULL, "description" character varying(1000) NOT NULL DEFAULT \'\', "enabled" boolean NOT NULL DEFAULT true, "privileges" text NOT NULL, "categories" text NOT NULL, "groups" text NOT NULL, CONSTRAINT "PK_c1433d71a4838793a49dcad46ab" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_1a18f5b606e1723c1b14e33f54" ON "roles" ("created_at", "id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "users" ("privileges" text NOT NULL, "categories" text NOT NULL, "groups" text NOT NULL, "roles" text NOT NULL, "id" SERIAL NOT NULL, "username" character varying(64) NOT NULL, "username_key" character varying(64) NOT NULL, "full_name" character varying(200) NOT NULL DEFAULT \'\', "password_hash" character varying(300) NOT NULL, "active" boolean NOT NULL DEFAULT true, "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, CONSTRAINT "UQ_43f388ec81c5e6e796845dad903" UNIQUE ("username_key"), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "sessions" ("id" character varying(32) NOT NULL, "token_hash" character varying(64) NOT NULL, "csrf_hash" character varying(64) NOT NULL, "user_id" integer NOT NULL, "created_at" bigint NOT NULL, "last_seen_at" bigint NOT NULL, CONSTRAINT "UQ_abaa9e068cdd390bc5210f79884" UNIQUE ("token_hash"), CONSTRAINT "PK_3238ef96f18b355b671619111bc" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_085d540d9f418cfbdc7bd55bb1" ON "sessions" ("user_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "tickets" ("id" character varying(64) NOT NULL, "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, "created_by" character varying(100) NOT NULL, "subject" character varying(200) NOT NULL, "body" text NOT NULL DEFAULT \'\', "category" character varying(64), "status" character varying(16) NOT NULL DEFAULT \'open\', CONSTRAINT "PK_343bc942ae261cf7a1377f48fd0" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_a57b7d420e013a67fd474265a8" ON "tickets" ("created_at", "id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_2a527815bec238244aab2039be" ON "tickets" ("category", "created_at", "id") ',
    );
    await queryRunner.query(
      'ALTER TABLE "sessions" ADD CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "sessions" DROP CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19"',
    );
    await queryRunner.query(
      'DROP INDEX "public"."IDX_2a527815bec238244aab2039be"',
    );
    await queryRunner.query(
      'DROP INDEX "public"."IDX_a57b7d420e013a67fd474265a8"',
    );
    await queryRunner.query('DROP TABLE "tickets"');
    await queryRunner.query(
      'DROP INDEX "public"."IDX_085d540d9f418cfbdc7bd55bb1"',
    );
    await queryRunner.query('DROP TABLE "sessions"');
    await queryRunner.query('DROP TABLE "users"');
    await queryRunner.query(
      'DROP INDEX "public"."IDX_1a18f5b606e1723c1b14e33f54"',
    );
    await queryRunner.query('DROP TABLE "roles"');
    await queryRunner.query(
      'DROP INDEX "public"."IDX_98be5f57ee35446c0a8cecdd81"',
    );
    await queryRunner.query('DROP TABLE "monitors"');
    await queryRunner.query(
      'DROP INDEX "public"."IDX_c45c26cebe60adfd90965735c5"',
    );
    await queryRunner.query(
      'DROP INDEX "public"."IDX_722ff81ece35135757d76ee7e5"',
    );
    await queryRunner.query(
      'DROP INDEX "public"."IDX_69900548a2defb870a54657573"',
    );
    await queryRunner.query('DROP TABLE "jobs"');
    await queryRunner.query(
      'DROP INDEX "public"."IDX_7bf9f4ee693dcdc5db8a20a568"',
    );
    await queryRunner.query('DROP TABLE "server_groups"');
    await queryRunner.query(
      'DROP INDEX "public"."IDX_f544e9bc4838f509d739737268"',
    );
    await queryRunner.query(
      'DROP INDEX "public"."IDX_3611d330e5814bd1d42b62ac00"',
    );
    await queryRunner.query('DROP TABLE "events"');
    await queryRunner.query(
      'DROP INDEX "public"."IDX_803808891b6e8128e40ed75b7f"',
    );
    await queryRunner.query('DROP TABLE "categories"');
    await queryRunner.query('DROP TABLE "api_keys"');
    await queryRunner.query(
      'DROP INDEX "public"."IDX_b24e98ef90e2b356263d4487e4"',
    );
    await queryRunner.query(
      'DROP INDEX "public"."IDX_ba27cef5b8b2b1a756e06ebcc5"',
    );
    await queryRunner.query('DROP TABLE "audit_log"');
    await queryRunner.query(
      'DROP INDEX "public"."IDX_7aac6c795ff36876cd72396d77"',
    );
    await queryRunner.query('DROP TABLE "alerts"');
  }
}
