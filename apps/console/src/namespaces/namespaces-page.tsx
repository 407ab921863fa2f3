import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { NamespaceDto } from '@beacon/sdk/admin';
import { useCreateNamespace, useDeleteNamespace, useUpdateNamespace } from '../api/mutations.js';
import { namespacesQueries } from '../api/queries.js';
import { Link, href } from '../app/router.js';
import { useAccess } from '../auth/access.js';
import { ConfirmDialog, Dialog } from '../ui/dialog.js';
import { Field } from '../ui/field.js';
import { ErrorPanel, Loading } from '../ui/feedback.js';

type Editing =
  { kind: 'create' } | { kind: 'edit'; namespace: NamespaceDto } | { kind: 'delete'; namespace: NamespaceDto };

function deleteRefusal(serviceCount: number): string {
  return `It still has ${serviceCount} ${serviceCount === 1 ? 'service' : 'services'}; delete them first. The server refuses to delete a namespace that has services.`;
}

/** Namespaces with their service counts; admins create, rename and delete (empty) ones. */
export function NamespacesPage({ announce }: { announce: (m: string) => void }) {
  const access = useAccess();
  const namespaces = useQuery(namespacesQueries.all());
  const [editing, setEditing] = useState<Editing | undefined>();
  useEffect(() => {
    document.title = 'Namespaces · Beacon';
  }, []);
  const done = (message: string) => {
    setEditing(undefined);
    announce(message);
  };
  if (namespaces.isPending) return <Loading what="namespaces" />;
  if (namespaces.isError) return <ErrorPanel error={namespaces.error} title="Could not load the namespaces" />;
  return (
    <>
      <header className="page-header">
        <div>
          <h1>Namespaces</h1>
          <p className="muted">Services in one namespace do not see those of another.</p>
        </div>
        {access.admin && (
          <button type="button" className="button button-primary" onClick={() => setEditing({ kind: 'create' })}>
            Create namespace
          </button>
        )}
      </header>
      <div className="table-wrap panel flush">
        <table className="table namespaces-table">
          <caption className="visually-hidden">Namespaces</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Id</th>
              <th scope="col">Description</th>
              <th scope="col" className="num">
                Services
              </th>
              {access.admin && (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {namespaces.data.map((ns) => (
              <tr key={ns.id} data-namespace={ns.id}>
                <th scope="row">
                  <Link to={href('/', { namespace: ns.id === 'public' ? undefined : ns.id })}>{ns.name}</Link>
                </th>
                <td className="mono">{ns.id}</td>
                <td>{ns.description || <span className="muted">—</span>}</td>
                <td className="num">{ns.serviceCount}</td>
                {access.admin && (
                  <td className="actions">
                    {ns.id !== 'public' && (
                      <>
                        <button
                          type="button"
                          className="button button-secondary"
                          aria-label={`Edit namespace ${ns.id}`}
                          onClick={() => setEditing({ kind: 'edit', namespace: ns })}
                        >
                          Edit
                        </button>{' '}
                        <button
                          type="button"
                          className="button button-danger"
                          aria-label={`Delete namespace ${ns.id}`}
                          // The server refuses to delete a namespace that still has services: say so up front.
                          disabled={ns.serviceCount > 0}
                          title={ns.serviceCount > 0 ? deleteRefusal(ns.serviceCount) : undefined}
                          onClick={() => setEditing({ kind: 'delete', namespace: ns })}
                        >
                          Delete
                        </button>
                      </>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {editing?.kind === 'create' && <NamespaceForm onClose={() => setEditing(undefined)} onSaved={done} />}
      {editing?.kind === 'edit' && (
        <NamespaceForm namespace={editing.namespace} onClose={() => setEditing(undefined)} onSaved={done} />
      )}
      {editing?.kind === 'delete' && (
        <DeleteNamespaceDialog namespace={editing.namespace} onClose={() => setEditing(undefined)} onDeleted={done} />
      )}
    </>
  );
}

function NamespaceForm({
  namespace,
  onClose,
  onSaved,
}: {
  namespace?: NamespaceDto;
  onClose: () => void;
  onSaved: (message: string) => void;
}) {
  const create = useCreateNamespace();
  const update = useUpdateNamespace();
  const mutation = namespace ? update : create;
  const [nsId, setNsId] = useState('');
  const [name, setName] = useState(namespace?.name ?? '');
  const [description, setDescription] = useState(namespace?.description ?? '');
  const [submitted, setSubmitted] = useState(false);
  const idError =
    nsId.trim() !== '' && !/^[\w-]{1,128}$/.test(nsId.trim()) ? "Letters, digits, '_' and '-' only" : undefined;
  const nameError = name.trim() === '' ? 'Enter a name' : undefined;
  const submit = () => {
    setSubmitted(true);
    if (idError || nameError) return;
    if (namespace) {
      update.mutate(
        { id: namespace.id, update: { name: name.trim(), description: description.trim() } },
        { onSuccess: () => onSaved(`Saved namespace ${namespace.id}`) },
      );
    } else {
      create.mutate(
        { ...(nsId.trim() ? { id: nsId.trim() } : {}), name: name.trim(), description: description.trim() },
        { onSuccess: (created) => onSaved(`Created namespace ${created.id}`) },
      );
    }
  };
  return (
    <Dialog
      title={namespace ? `Edit namespace ${namespace.id}` : 'Create a namespace'}
      onClose={onClose}
      onSubmit={submit}
      submitLabel={namespace ? 'Save namespace' : 'Create namespace'}
      pending={mutation.isPending}
      error={mutation.error}
    >
      {!namespace && (
        <Field label="Id" error={idError} hint="Clients name the namespace by this id; it cannot change later.">
          {(control) => (
            <input
              {...control}
              className="input mono"
              autoComplete="off"
              placeholder="generated when empty"
              value={nsId}
              onChange={(e) => setNsId(e.target.value)}
            />
          )}
        </Field>
      )}
      <Field label="Name" error={submitted && nameError}>
        {(control) => (
          <input
            {...control}
            className="input"
            autoComplete="off"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        )}
      </Field>
      <Field label="Description">
        {(control) => (
          <input
            {...control}
            className="input"
            autoComplete="off"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        )}
      </Field>
    </Dialog>
  );
}

function DeleteNamespaceDialog({
  namespace,
  onClose,
  onDeleted,
}: {
  namespace: NamespaceDto;
  onClose: () => void;
  onDeleted: (message: string) => void;
}) {
  const mutation = useDeleteNamespace();
  return (
    <ConfirmDialog
      title={`Delete namespace ${namespace.id}?`}
      confirmLabel="Delete namespace"
      pending={mutation.isPending}
      error={mutation.error}
      onClose={onClose}
      onConfirm={() =>
        mutation.mutate(namespace.id, { onSuccess: () => onDeleted(`Deleted namespace ${namespace.id}`) })
      }
    >
      <p>
        {namespace.serviceCount > 0
          ? `It still has ${namespace.serviceCount} services; the server refuses to delete it until they are gone.`
          : 'It has no services. Clients configured with this id would create it again by registering.'}
      </p>
    </ConfirmDialog>
  );
}
