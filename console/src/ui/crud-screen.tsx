import type { ComponentChildren, VNode } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, query, type Page } from '../api';
import { Alert, Loading, messageOf } from './alert';
import { ConfirmDelete } from './confirm-delete';
import type { FieldSpec, Values } from './fields';
import { FormDialog } from './form-dialog';
import { NewKeyDialog } from './new-key-dialog';
import { Table, type Column } from './table';

const PAGE = 100;

export interface Helpers {
  show: (dialog: VNode | null) => void;
  reload: () => void;
  showSecret: (key: string) => void;
}

export interface CrudSpec<R> {
  heading: string;
  /** "API Key": the dialog titles. */
  noun: string;
  path: string;
  idOf: (record: R) => string;
  nameOf: (record: R) => string;
  columns: Column<R>[];
  addLabel: string;
  createLabel: string;
  can: { create: boolean; edit: boolean; delete: boolean };
  /** The boolean a Disable / Enable button flips. */
  toggle?: 'active' | 'enabled';
  empty: string;
  form: (record?: R) => Promise<{ fields: FieldSpec[]; initial: Values }>;
  body: (values: Values, record?: R) => Record<string, unknown>;
  extraActions?: (record: R, helpers: Helpers) => ComponentChildren;
}

/** One list screen: the table, Add, and per row Edit, Disable/Enable, Delete. */
export function CrudScreen<R extends object>({ spec }: { spec: CrudSpec<R> }) {
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<Page<R>>();
  const [alert, setAlert] = useState<string>();
  const [dialog, show] = useState<VNode | null>(null);
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);

  useEffect(() => {
    let current = true;
    api<Page<R>>('GET', spec.path + query({ limit: PAGE, offset }))
      .then((result) => current && setPage(result))
      .catch((error) => current && setAlert(messageOf(error)));
    return () => {
      current = false;
    };
  }, [spec.path, offset, version]);

  const act = (work: () => Promise<unknown>) => {
    setAlert(undefined);
    work().then(reload, (error) => setAlert(messageOf(error)));
  };
  const showSecret = (key: string) =>
    show(<NewKeyDialog secret={key} onDone={() => (show(null), reload())} />);
  const helpers: Helpers = { show, reload, showSecret };
  const url = (record: R) =>
    `${spec.path}/${encodeURIComponent(spec.idOf(record))}`;

  const openForm = (record?: R) =>
    act(async () => {
      const { fields, initial } = await spec.form(record);
      const save = async (values: Values) => {
        const body = spec.body(values, record);
        const result = record
          ? await api<R>('PATCH', url(record), body)
          : await api<R & { key?: string }>('POST', spec.path, body);
        if (!record && 'key' in result && typeof result.key === 'string') {
          showSecret(result.key);
        } else {
          show(null);
          reload();
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
      <ConfirmDelete
        title={`Delete ${spec.noun}`}
        message={`Delete ${spec.noun} “${spec.nameOf(record)}”? This cannot be undone.`}
        onClose={() => show(null)}
        onConfirm={async () => {
          await api('DELETE', url(record));
          show(null);
          reload();
        }}
      />,
    );

  const actions = (record: R) => {
    const flag =
      spec.toggle && (record as Record<string, unknown>)[spec.toggle];
    return (
      <>
        {spec.can.edit && (
          <button type="button" onClick={() => openForm(record)}>
            Edit
          </button>
        )}
        {spec.can.edit && spec.toggle && (
          <button
            type="button"
            onClick={() =>
              act(() => api('PATCH', url(record), { [spec.toggle!]: !flag }))
            }
          >
            {flag ? 'Disable' : 'Enable'}
          </button>
        )}
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
      {!page ? (
        !alert && <Loading />
      ) : (
        <Table
          label={spec.heading}
          columns={spec.columns}
          rows={page.items}
          keyOf={spec.idOf}
          actions={anyAction ? actions : undefined}
          empty={spec.empty}
          total={page.total}
          offset={offset}
          pageSize={PAGE}
          onPage={setOffset}
        />
      )}
      {dialog}
    </section>
  );
}
