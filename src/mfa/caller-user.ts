import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Principal } from '../access/principal';
import { AppError } from '../http/app-error';
import { User } from '../users/user.entity';

/** The signed-in user behind a principal; an API key has no second factors (404, as on /api/me/*). */
@Injectable()
export class CallerUser {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
  ) {}

  async of(principal: Principal | undefined): Promise<User> {
    const user =
      principal?.type === 'user'
        ? await this.users.findOneBy({
            usernameKey: principal.id.toLowerCase(),
          })
        : null;
    if (!user) {
      throw AppError.notFound(
        'Second factors belong to signed-in users; an API key has none.',
      );
    }
    return user;
  }
}
