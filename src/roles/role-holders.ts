import { escalationRefusal, holdersWidened } from '../access/escalation';
import { isAdmin, type Principal } from '../access/principal';
import type {
  RecordChange,
  RuleContext,
} from '../resources/resource-definition';
import { rolesNamed, type Role } from './role.entity';

/**
 * No escalation, whole rule (SPEC §20): a change to a role by a caller who
 * is not admin — created, edited, enabled, disabled, deleted — may not give
 * any of its holders a privilege, category or group the caller cannot use
 * itself. Each holder's effective rights are computed before and after with
 * all its roles as they are in this transaction (a restriction may come from
 * another role or its own lists), by the one effective-rights function.
 */
export async function assertHoldersNotWidened(
  caller: Principal,
  change: RecordChange<Role>,
  context: RuleContext,
): Promise<void> {
  if (isAdmin(caller)) return;
  const holders = await context.grantees(change.id);
  if (holders.length === 0) return;
  const named = new Set(holders.flatMap((holder) => holder.roles));
  const roles = await rolesNamed(context.manager, [...named]);
  const widened = holdersWidened(
    caller,
    holders,
    new Map(roles.map((role) => [role.id, role])),
    change.id,
    change.next,
  );
  if (widened.length > 0) throw escalationRefusal(caller, widened);
}
