import { useEffect, useState } from 'preact/hooks';
import {
  ApiError,
  client,
  ok,
  onSessionLost,
  onStepUp,
  setCsrfToken,
} from './api';
import { loadContext, type Ctx, type Me } from './context';
import { Frame, ROUTES } from './frame';
import { ApiKeysScreen } from './screens/api-keys';
import { AuditLogScreen } from './screens/audit-log';
import { MyAccountScreen } from './account/my-account';
import { NamedRecordsScreen } from './screens/named-records';
import { RolesScreen } from './screens/roles';
import { UsersScreen } from './screens/users';
import { SignIn } from './sign-in';
import { Alert, Loading, messageOf } from './ui/alert';
import { StepUpDialog } from './ui/step-up-dialog';

type State =
  | { kind: 'loading' }
  | { kind: 'signed-out'; message?: string; ended?: boolean }
  | { kind: 'signed-in'; ctx: Ctx };

const routeOfHash = () => location.hash.replace(/^#\/?/, '');

function useHashRoute(): string {
  const [route, setRoute] = useState(routeOfHash);
  useEffect(() => {
    const update = () => setRoute(routeOfHash());
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}

function Screen({ ctx, route }: { ctx: Ctx; route: string }) {
  switch (route) {
    case 'keys':
      return <ApiKeysScreen ctx={ctx} />;
    case 'users':
      return <UsersScreen ctx={ctx} />;
    case 'roles':
      return <RolesScreen ctx={ctx} />;
    case 'audit':
      return <AuditLogScreen />;
    case 'categories':
    case 'groups':
      return <NamedRecordsScreen ctx={ctx} kind={route} />;
    default:
      return <MyAccountScreen ctx={ctx} />;
  }
}

interface StepUp {
  methods: string[];
  done: (steppedUp: boolean) => void;
}

/**
 * One step-up dialog at a time: acts refused together for want of a second
 * factor all wait for the same answer, then are all sent again.
 */
function useStepUp() {
  const [asked, setAsked] = useState<StepUp>();
  useEffect(() => {
    let pending: Promise<boolean> | undefined;
    onStepUp((methods) => {
      pending ??= new Promise<boolean>((resolve) =>
        setAsked({
          methods,
          done: (steppedUp) => {
            pending = undefined;
            setAsked(undefined);
            resolve(steppedUp);
          },
        }),
      );
      return pending;
    });
  }, []);
  return asked && <StepUpDialog methods={asked.methods} onDone={asked.done} />;
}

export function App() {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [fatal, setFatal] = useState<string>();
  const route = useHashRoute();
  const stepUp = useStepUp();

  /** After sign-in or a reload: the cookie session's caller and its CSRF token. */
  const enter = async (first: boolean) => {
    try {
      const me: Me = await ok(client.GET('/api/me'), { own401: true });
      setCsrfToken('csrf_token' in me ? me.csrf_token : undefined);
      setState({ kind: 'signed-in', ctx: await loadContext(me) });
    } catch (error) {
      const silent =
        first &&
        error instanceof ApiError &&
        error.problem.code === 'no_credentials';
      if (error instanceof ApiError && error.problem.status === 401) {
        setState({
          kind: 'signed-out',
          message: silent ? undefined : error.problem.detail,
          ended: !silent && error.problem.code !== 'no_credentials',
        });
      } else {
        setFatal(messageOf(error));
      }
    }
  };

  useEffect(() => {
    onSessionLost((problem) => {
      setCsrfToken(undefined);
      setState({ kind: 'signed-out', message: problem.detail, ended: true });
    });
    void enter(true);
  }, []);

  const signOut = async () => {
    try {
      await ok(client.DELETE('/api/sessions/current'));
    } catch {
      // Already gone: signed out either way.
    }
    setCsrfToken(undefined);
    setState({ kind: 'signed-out' });
  };

  if (fatal) return <Alert message={fatal} />;
  if (state.kind === 'loading') return <Loading />;
  if (state.kind === 'signed-out') {
    return (
      <SignIn
        key={state.message ?? ''}
        message={state.message}
        ended={state.ended}
        onSignedIn={() => void enter(false)}
      />
    );
  }
  const { ctx } = state;
  const allowed = ROUTES.filter((r) => r.allowed(ctx));
  const current = allowed.some((r) => r.path === route)
    ? route
    : allowed[0].path;
  return (
    <Frame ctx={ctx} current={current} onSignOut={() => void signOut()}>
      <Screen key={current} ctx={ctx} route={current} />
      {stepUp}
    </Frame>
  );
}
