import { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditLog1796161692104 implements MigrationInterface {
  name = 'AuditLog1796161692104';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "audit_log" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "at" integer NOT NULL, "actor" varchar(100), "action" varchar(32) NOT NULL, "target_type" varchar(16), "target_id" varchar(100), "outcome" varchar(16) NOT NULL, "code" varchar(64), "ip" varchar(64), "request_id" varchar(64), "details" text NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_ba27cef5b8b2b1a756e06ebcc5" ON "audit_log" ("at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_b24e98ef90e2b356263d4487e4" ON "audit_log" ("actor") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_b24e98ef90e2b356263d4487e4"`);
    await queryRunner.query(`DROP INDEX "IDX_ba27cef5b8b2b1a756e06ebcc5"`);
    await queryRunner.query(`DROP TABLE "audit_log"`);
  }
}
