import { InitialSchema1795704869502 } from './1795704869502-initial-schema';
import { GuardedResources1795705253982 } from './1795705253982-guarded-resources';
import { ListOrderIndexes1795707896427 } from './1795707896427-list-order-indexes';
import { Roles1796160509307 } from './1796160509307-roles';
import { AuditLog1796161692104 } from './1796161692104-audit-log';
import { SessionDetails1796518758159 } from './1796518758159-session-details';
import { SecondFactors1796519214849 } from './1796519214849-second-factors';
import { SingleSignOn1796520546370 } from './1796520546370-single-sign-on';
import { KeyUsage1796524380379 } from './1796524380379-key-usage';
import { IpAllowlists1796525438379 } from './1796525438379-ip-allowlists';
import { SsoSubjects1796526700000 } from './1796526700000-sso-subjects';
import { SsoSpentStates1796527695049 } from './1796527695049-sso-spent-states';

/** Every migration, oldest first. A generated migration is added here by hand. */
export const MIGRATIONS = [
  InitialSchema1795704869502,
  GuardedResources1795705253982,
  ListOrderIndexes1795707896427,
  Roles1796160509307,
  AuditLog1796161692104,
  SessionDetails1796518758159,
  SecondFactors1796519214849,
  SingleSignOn1796520546370,
  KeyUsage1796524380379,
  IpAllowlists1796525438379,
  SsoSubjects1796526700000,
  SsoSpentStates1796527695049,
];
