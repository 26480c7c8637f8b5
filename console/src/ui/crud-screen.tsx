import type { ComponentChildren, VNode } from 'preact';
import { useCallback, useState } from 'preact/hooks';
import type { Page } from '../api';
import { Alert, messageOf } from './alert';
import { announce, said } from './announce';
import { Confirm } from './confirm';
import type { FieldSpec, Values } from './fields';
import { FormDialog } from './form-dialog';
import { ListView, type ListQuery } from './list-view';
import { SecretDialog } from './secret-dialog';
import type { Column } from './table';

export interface Helpers {
  show: (dialog: VNode | null) => void;
  reload: () => void;
  /** A new or rotated key, shown once; then `done` is announced. */
  showSecret: (key: string, done: string) => void;
  /** Runs an act; its failure becomes the screen's alert. */
  act: (work: () => Promise<unknown>) => void;
}

export interface CrudSpec<R> {
  heading: string;
  /** "API Key": the dialog titles. */
  noun: string;
  /** "API key": announcements (`API key "CI deploy" disabled.`). */
  spoken: string;
  idOf: (record: R) => string;
  nameOf: (record: R) => string;
  columns: Column<R>[];
  addLabel: string;
  createLabel: string;
  can: { create: boolean; edit: boolean; delete: boolean };
  empty: string;
  form: (record?: R) => Promise<{ fields: FieldSpec[]; initial: Values }>;
  list: (query: ListQuery) => Promise<Page<R>>;
  serverSearch?: boolean;
  /** Create (no record) or update; a create may answer a secret `key`. */
  save: (values: Values, record?: R) => Promise<R | (R & { key: string })>;
  remove: (record: R) => Promise<unknown>;
  /** Disable / Enable: the record's flag and how to set it. */
  toggle?: {
    on: (record: R) => boolean;
    set: (record: R, on: boolean) => Promise<unknown>;
    /** What disabling does, said in the confirmation. */
    effect: string;
  };
  extraActions?: (record: R, helpers: Helpers) => ComponentChildren;
}

/** One list screen: Search, the table, Add, and per row Edit, Disable/Enable, Delete. */
export function CrudScreen<R extends object>({ spec }: { spec: CrudSpec<R> }) {
  const [alert, setAlert] = useState<string>();
  const [dialog, show] = useState<VNode | null>(null);
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const told = (record: R, what: string) =>
    announce(said(spec.spoken, spec.nameOf(record), what));

  const act = (work: () => Promise<unknown>) => {
    setAlert(undefined);
    work().then(reload, (error) => setAlert(messageOf(error)));
  };
  const close = () => (show(null), reload());
  const showSecret = (key: string, done: string) =>
    show(
      <SecretDialog
        title="New API Key"
        secret={key}
        warning="Copy this key now and keep it somewhere safe: it will not be shown again."
        onDone={() => (close(), announce(done))}
      />,
    );
  const helpers: Helpers = { show, reload, showSecret, act };

  const openForm = (record?: R) =>
    act(async () => {
      const { fields, initial } = await spec.form(record);
      const save = async (values: Values) => {
        const result = await spec.save(values, record);
        const done = said(
          spec.spoken,
          spec.nameOf(result),
          record ? 'updated' : 'created',
        );
        if ('key' in result && typeof result.key === 'string') {
          showSecret(result.key, done);
        } else {
          close();
          announce(done);
        }
      };
      show(
        <FormDialog
          title={record ? `Edit ${spec.noun}` : spec.addLabel}
          fields={fields}
          initial={initial}
          submitLabel={record ? 'Save' : spec.createLabel}
          onSubmit={save}
          onClose={() => show(null)}
        />,
      );
    });

  const confirmDelete = (record: R) =>
    show(
      <Confirm
        title={`Delete ${spec.noun}`}
        message={`Delete ${spec.noun} “${spec.nameOf(record)}”? This cannot be undone.`}
        confirmLabel="Delete"
        onClose={() => show(null)}
        onConfirm={async () => {
          await spec.remove(record);
          close();
          told(record, 'deleted');
        }}
      />,
    );

  const confirmDisable = (
    record: R,
    toggle: NonNullable<CrudSpec<R>['toggle']>,
  ) =>
    show(
      <Confirm
        title={`Disable ${spec.noun}`}
        message={`Disable ${spec.spoken} “${spec.nameOf(record)}”? ${toggle.effect}`}
        confirmLabel="Disable"
        onClose={() => show(null)}
        onConfirm={async () => {
          await toggle.set(record, false);
          close();
          told(record, 'disabled');
        }}
      />,
    );

  const enable = (record: R, toggle: NonNullable<CrudSpec<R>['toggle']>) =>
    act(async () => {
      await toggle.set(record, true);
      told(record, 'enabled');
    });

  const actions = (record: R) => {
    const { toggle } = spec;
    return (
      <>
        {spec.can.edit && (
          <button type="button" onClick={() => openForm(record)}>
            Edit
          </button>
        )}
        {spec.can.edit &&
          toggle &&
          (toggle.on(record) ? (
            <button
              type="button"
              onClick={() => confirmDisable(record, toggle)}
            >
              Disable
            </button>
          ) : (
            <button type="button" onClick={() => enable(record, toggle)}>
              Enable
            </button>
          ))}
        {spec.extraActions?.(record, helpers)}
        {spec.can.delete && (
          <button
            type="button"
            class="danger"
            onClick={() => confirmDelete(record)}
          >
            Delete
          </button>
        )}
      </>
    );
  };
  const anyAction = spec.can.edit || spec.can.delete || !!spec.extraActions;

  return (
    <section class="screen">
      <header class="screen-head">
        <h1>{spec.heading}</h1>
        {spec.can.create && (
          <button type="button" class="primary" onClick={() => openForm()}>
            {spec.addLabel}
          </button>
        )}
      </header>
      <Alert message={alert} />
      <ListView
        spec={{
          label: spec.heading,
          columns: spec.columns,
          keyOf: spec.idOf,
          load: spec.list,
          serverSearch: spec.serverSearch,
          actions: anyAction ? actions : undefined,
          empty: spec.empty,
          version,
        }}
      />
      {dialog}
    </section>
  );
}
