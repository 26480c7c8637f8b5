import { MigrationInterface, QueryRunner } from 'typeorm';

export class ListOrderIndexes1795707896427 implements MigrationInterface {
  name = 'ListOrderIndexes1795707896427';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_c7deff278034b66f3326f3891e"`);
    await queryRunner.query(`DROP INDEX "IDX_78dda2c21fdb05357fbd2bd1f7"`);
    await queryRunner.query(`DROP INDEX "IDX_0f97959cf74dca67e9791d10ef"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_7aac6c795ff36876cd72396d77" ON "alerts" ("created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_803808891b6e8128e40ed75b7f" ON "categories" ("created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_3611d330e5814bd1d42b62ac00" ON "events" ("created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_f544e9bc4838f509d739737268" ON "events" ("category", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_7bf9f4ee693dcdc5db8a20a568" ON "server_groups" ("created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_69900548a2defb870a54657573" ON "jobs" ("created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_c45c26cebe60adfd90965735c5" ON "jobs" ("category", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_98be5f57ee35446c0a8cecdd81" ON "monitors" ("created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_a57b7d420e013a67fd474265a8" ON "tickets" ("created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_2a527815bec238244aab2039be" ON "tickets" ("category", "created_at", "id") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_2a527815bec238244aab2039be"`);
    await queryRunner.query(`DROP INDEX "IDX_a57b7d420e013a67fd474265a8"`);
    await queryRunner.query(`DROP INDEX "IDX_98be5f57ee35446c0a8cecdd81"`);
    await queryRunner.query(`DROP INDEX "IDX_c45c26cebe60adfd90965735c5"`);
    await queryRunner.query(`DROP INDEX "IDX_69900548a2defb870a54657573"`);
    await queryRunner.query(`DROP INDEX "IDX_7bf9f4ee693dcdc5db8a20a568"`);
    await queryRunner.query(`DROP INDEX "IDX_f544e9bc4838f509d739737268"`);
    await queryRunner.query(`DROP INDEX "IDX_3611d330e5814bd1d42b62ac00"`);
    await queryRunner.query(`DROP INDEX "IDX_803808891b6e8128e40ed75b7f"`);
    await queryRunner.query(`DROP INDEX "IDX_7aac6c795ff36876cd72396d77"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_0f97959cf74dca67e9791d10ef" ON "tickets" ("category", "created_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_78dda2c21fdb05357fbd2bd1f7" ON "jobs" ("category", "created_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_c7deff278034b66f3326f3891e" ON "events" ("category", "created_at") `,
    );
  }
}
