import { Column, Entity, Index } from 'typeorm';
import { RecordBase } from '../resources/record-base';

export const TICKET_STATUSES = ['open', 'closed'] as const;

/** Lists filter by category and order by creation time. */
@Index(['category', 'createdAt', 'id'])
@Entity('tickets')
export class Ticket extends RecordBase {
  @Column({ type: 'varchar', length: 200 })
  subject: string;

  @Column({ type: 'text', default: '' })
  body: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  category: string | null;

  @Column({ type: 'varchar', length: 16, default: 'open' })
  status: (typeof TICKET_STATUSES)[number];
}
