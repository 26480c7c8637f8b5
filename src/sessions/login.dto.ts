import { IsString, Length } from 'class-validator';
import { TypedPassword } from '../users/password-policy';

export class LoginDto {
  @IsString()
  @Length(1, 64)
  username: string;

  @TypedPassword()
  password: string;
}
