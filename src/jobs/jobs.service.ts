import { actorOf, type Principal } from '../access/principal';
import { AppError } from '../http/app-error';
import { Clock } from '../time/clock';
import { newId } from '../secrets/secrets';
import { WriteLock } from '../database/write-lock';
import { Event } from '../events/event.entity';
import type {
  RecordView,
  ResourceService,
} from '../resources/resource.service';
import { FINISHED_STATES, Job } from './job.entity';

export class JobsService {
  constructor(
    readonly records: ResourceService<Job>,
    private readonly events: ResourceService<Event>,
    private readonly lock: WriteLock,
    private readonly clock: Clock,
  ) {}

  /** A queued job carrying a copy of the event's category and targets. */
  async run(eventId: string, caller: Principal): Promise<RecordView> {
    const job = await this.lock.transaction(async (manager) => {
      const event = await this.events.findInScope(manager, eventId, caller);
      if (!event.enabled) {
        throw AppError.conflict(
          `Event "${event.id}" is disabled and cannot run.`,
        );
      }
      const now = new Date(this.clock.now());
      const job = manager.create(Job, {
        id: newId(),
        eventId: event.id,
        category: event.category,
        targets: [...event.targets],
        state: 'queued',
        createdAt: now,
        updatedAt: now,
        createdBy: actorOf(caller),
      });
      await manager.insert(Job, job);
      return job;
    });
    this.records.announce(job.id);
    return this.records.view(job);
  }

  async abort(id: string, caller: Principal): Promise<RecordView> {
    const job = await this.lock.transaction(async (manager) => {
      const job = await this.records.findInScope(manager, id, caller);
      if (FINISHED_STATES.includes(job.state)) {
        throw AppError.conflict(`Job "${job.id}" is already ${job.state}.`);
      }
      job.state = 'aborted';
      job.updatedAt = new Date(this.clock.now());
      await manager.update(
        Job,
        { id },
        { state: job.state, updatedAt: job.updatedAt },
      );
      return job;
    });
    this.records.announce(job.id);
    return this.records.view(job);
  }
}
