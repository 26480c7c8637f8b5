import { InitialSchema1796162889874 } from './1796162889874-initial-schema';
import { SessionDetails1796518769181 } from './1796518769181-session-details';
import { SecondFactors1796519267965 } from './1796519267965-second-factors';
import { SingleSignOn1796520547370 } from './1796520547370-single-sign-on';
import { KeyUsage1796524442680 } from './1796524442680-key-usage';
import { IpAllowlists1796525479304 } from './1796525479304-ip-allowlists';
import { SsoSubjects1796526700100 } from './1796526700100-sso-subjects';
import { SsoSpentStates1796527716644 } from './1796527716644-sso-spent-states';

/** Every PostgreSQL migration, oldest first: the schema of ../../migrations in PostgreSQL's types. */
export const POSTGRES_MIGRATIONS = [
  InitialSchema1796162889874,
  SessionDetails1796518769181,
  SecondFactors1796519267965,
  SingleSignOn1796520547370,
  KeyUsage1796524442680,
  IpAllowlists1796525479304,
  SsoSubjects1796526700100,
  SsoSpentStates1796527716644,
];
