import { useEffect, useId, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { PermissionDto, UserDto } from '@beacon/sdk/admin';
import {
  useBindRole,
  useChangePassword,
  useCreateUser,
  useDeleteUser,
  useGrantPermission,
  useRevokePermission,
  useUnbindRole,
} from '../api/mutations.js';
import { authQueries } from '../api/queries.js';
import { Badge } from '../ui/badges.js';
import { Field } from '../ui/field.js';
import { ErrorPanel, Loading, ServerError } from '../ui/feedback.js';
import { passwordError, resourceError, roleError, usernameError } from './user-forms.js';

const ACTIONS: Record<string, string> = { r: 'read', w: 'write', rw: 'read and write' };

/** A text field whose error shows once the field was left or the form sent. */
function TextField({
  label,
  value,
  onChange,
  error,
  show,
  type = 'text',
  hint,
  autoComplete = 'off',
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
  show: boolean;
  type?: string;
  hint?: string;
  autoComplete?: string;
}) {
  const [left, setLeft] = useState(false);
  // An emptied field (e.g. after a successful send) starts over.
  const visible = (show || (left && value !== '')) && error;
  return (
    <Field label={label} error={visible} hint={hint}>
      {(control) => (
        <input
          {...control}
          className="input"
          type={type}
          value={value}
          autoComplete={autoComplete}
          onChange={(e) => onChange(e.target.value)}
          onBlur={() => setLeft(value !== '')}
        />
      )}
    </Field>
  );
}

function CreateUser({ announce }: { announce: (m: string) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [sent, setSent] = useState(false);
  const create = useCreateUser();
  const errors = { username: usernameError(username), password: passwordError(password) };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSent(true);
    if (errors.username || errors.password) return;
    create.mutate(
      { username: username.trim(), password },
      {
        onSuccess: () => {
          announce(`User ${username.trim()} created`);
          setUsername('');
          setPassword('');
          setSent(false);
        },
      },
    );
  };
  return (
    <form className="panel" onSubmit={submit} noValidate aria-labelledby="create-user-title">
      <h2 id="create-user-title">Add a user</h2>
      <div className="form-grid">
        <TextField label="Username" value={username} onChange={setUsername} error={errors.username} show={sent} />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={setPassword}
          error={errors.password}
          show={sent}
          hint="At least 8 characters."
        />
      </div>
      <ServerError error={create.error} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          Add user
        </button>
      </div>
    </form>
  );
}

function UserRow({ user, me, announce }: { user: UserDto; me: string; announce: (m: string) => void }) {
  const [mode, setMode] = useState<'view' | 'password' | 'delete' | 'role'>('view');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState('');
  const [sent, setSent] = useState(false);
  const change = useChangePassword();
  const remove = useDeleteUser();
  const bind = useBindRole();
  const unbind = useUnbindRole();
  const reset = () => {
    setMode('view');
    setPassword('');
    setRole('');
    setSent(false);
    change.reset();
    remove.reset();
    bind.reset();
  };
  const savePassword = (e: FormEvent) => {
    e.preventDefault();
    setSent(true);
    if (passwordError(password)) return;
    change.mutate(
      { username: user.username, password },
      {
        onSuccess: () => {
          announce(`Password of ${user.username} changed`);
          reset();
        },
      },
    );
  };
  const addRole = (e: FormEvent) => {
    e.preventDefault();
    setSent(true);
    if (roleError(role)) return;
    bind.mutate(
      { role: role.trim(), username: user.username },
      {
        onSuccess: () => {
          announce(`${user.username} now has role ${role.trim()}`);
          reset();
        },
      },
    );
  };
  return (
    <tr data-user={user.username}>
      <th scope="row" data-label="User">
        {user.username} {user.admin && <Badge tone="info">Admin</Badge>}
        {user.username === me && <span className="muted small"> (you)</span>}
      </th>
      <td data-label="Roles">
        {user.roles.length === 0 ? (
          <span className="muted">none</span>
        ) : (
          <ul className="chips">
            {user.roles.map((r) => (
              <li key={r} className="chip chip-removable">
                {r}
                {!user.admin && (
                  <button
                    type="button"
                    className="chip-remove"
                    aria-label={`Take role ${r} from ${user.username}`}
                    onClick={() => unbind.mutate({ role: r, username: user.username })}
                  >
                    ×
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        <ServerError error={unbind.error} />
      </td>
      <td data-label="May">
        {user.admin ? (
          <span>everything</span>
        ) : user.permissions.length === 0 ? (
          <span className="muted">nothing yet</span>
        ) : (
          <ul className="plain-list">
            {user.permissions.map((p) => (
              <li key={`${p.role}|${p.resource}|${p.action}`}>
                {ACTIONS[p.action] ?? p.action} <span className="mono">{p.resource}</span>{' '}
                <span className="muted small">via {p.role}</span>
              </li>
            ))}
          </ul>
        )}
      </td>
      <td data-label="Created">{user.createdAt ? new Date(user.createdAt).toLocaleDateString() : '—'}</td>
      <td className="actions" data-label="Actions">
        {mode === 'view' && (
          <div className="button-row">
            <button type="button" className="button button-secondary" onClick={() => setMode('role')}>
              Add role<span className="visually-hidden"> to {user.username}</span>
            </button>
            <button type="button" className="button button-secondary" onClick={() => setMode('password')}>
              Change password<span className="visually-hidden"> of {user.username}</span>
            </button>
            {!user.admin && (
              <button type="button" className="button button-danger-ghost" onClick={() => setMode('delete')}>
                Delete<span className="visually-hidden"> {user.username}</span>
              </button>
            )}
          </div>
        )}
        {mode === 'password' && (
          <form onSubmit={savePassword} noValidate className="inline-form">
            <TextField
              label={`New password for ${user.username}`}
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={setPassword}
              error={passwordError(password)}
              show={sent}
            />
            <ServerError error={change.error} />
            <div className="button-row">
              <button type="submit" className="button button-primary" disabled={change.isPending}>
                Save password
              </button>
              <button type="button" className="button button-secondary" onClick={reset}>
                Cancel
              </button>
            </div>
          </form>
        )}
        {mode === 'role' && (
          <form onSubmit={addRole} noValidate className="inline-form">
            <TextField
              label={`Role for ${user.username}`}
              value={role}
              onChange={setRole}
              error={roleError(role)}
              show={sent}
            />
            <ServerError error={bind.error} />
            <div className="button-row">
              <button type="submit" className="button button-primary" disabled={bind.isPending}>
                Add role
              </button>
              <button type="button" className="button button-secondary" onClick={reset}>
                Cancel
              </button>
            </div>
          </form>
        )}
        {mode === 'delete' && (
          <div className="inline-form" role="group" aria-label={`Delete ${user.username}?`}>
            <p>
              Delete <strong>{user.username}</strong>? Their tokens stop working at once.
            </p>
            <ServerError error={remove.error} />
            <div className="button-row">
              <button
                type="button"
                className="button button-danger"
                disabled={remove.isPending}
                onClick={() => remove.mutate(user.username, { onSuccess: () => announce(`${user.username} deleted`) })}
              >
                Delete {user.username}
              </button>
              <button type="button" className="button button-secondary" onClick={reset}>
                Keep
              </button>
            </div>
          </div>
        )}
      </td>
    </tr>
  );
}

function Permissions({ announce }: { announce: (m: string) => void }) {
  const permissions = useQuery(authQueries.permissions());
  const grant = useGrantPermission();
  const revoke = useRevokePermission();
  const [form, setForm] = useState<PermissionDto>({ role: '', resource: '', action: 'r' });
  const [sent, setSent] = useState(false);
  const id = useId();
  const errors = { role: roleError(form.role), resource: resourceError(form.resource) };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSent(true);
    if (errors.role || errors.resource) return;
    const permission = { ...form, role: form.role.trim(), resource: form.resource.trim() };
    grant.mutate(permission, {
      onSuccess: () => {
        announce(`Role ${permission.role} may now ${ACTIONS[permission.action]} ${permission.resource}`);
        setForm({ role: '', resource: '', action: 'r' });
        setSent(false);
      },
    });
  };
  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>What each role may do</h2>
      {permissions.isPending && <Loading what="permissions" />}
      {permissions.data && permissions.data.length === 0 && <p className="muted">No permissions granted yet.</p>}
      {permissions.data && permissions.data.length > 0 && (
        <table className="table responsive-table">
          <thead>
            <tr>
              <th scope="col">Role</th>
              <th scope="col">Resource</th>
              <th scope="col">May</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {permissions.data.map((p) => (
              <tr key={`${p.role}|${p.resource}|${p.action}`}>
                <th scope="row" data-label="Role">
                  {p.role}
                </th>
                <td data-label="Resource" className="mono">
                  {p.resource}
                </td>
                <td data-label="May">{ACTIONS[p.action] ?? p.action}</td>
                <td className="actions">
                  <button
                    type="button"
                    className="button button-danger-ghost"
                    aria-label={`Revoke ${ACTIONS[p.action] ?? p.action} on ${p.resource} from role ${p.role}`}
                    onClick={() => revoke.mutate(p)}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ServerError error={revoke.error} />
      <form onSubmit={submit} noValidate className="grant-form" aria-label="Grant a permission">
        <h3>Grant a permission</h3>
        <div className="form-grid form-grid-3">
          <TextField
            label="Role"
            value={form.role}
            onChange={(role) => setForm({ ...form, role })}
            error={errors.role}
            show={sent}
          />
          <TextField
            label="Resource"
            value={form.resource}
            onChange={(resource) => setForm({ ...form, resource })}
            error={errors.resource}
            show={sent}
            hint="namespace:group:service, * for any, e.g. public:*:*"
          />
          <Field label="May">
            {(control) => (
              <select
                {...control}
                className="input"
                value={form.action}
                onChange={(e) => setForm({ ...form, action: e.target.value as PermissionDto['action'] })}
              >
                <option value="r">read</option>
                <option value="w">write</option>
                <option value="rw">read and write</option>
              </select>
            )}
          </Field>
        </div>
        <ServerError error={grant.error} />
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={grant.isPending}>
            Grant
          </button>
        </div>
      </form>
    </section>
  );
}

/** Users, their roles and the roles' permissions: for admins, when auth is on. */
export function UsersPage({ announce }: { announce: (m: string) => void }) {
  const me = useQuery(authQueries.me('public'));
  const users = useQuery({ ...authQueries.users(), enabled: me.data?.admin === true });

  useEffect(() => {
    document.title = 'Users · Beacon';
  }, []);

  if (me.isPending) return <Loading what="your account" />;
  if (me.isError) return <ErrorPanel error={me.error} title="Could not tell who you are" />;
  if (!me.data.authEnabled) {
    return (
      <div className="panel">
        <h1>Users</h1>
        <p>Authentication is off on this server (BEACON_AUTH=off): everyone is an admin, there are no users.</p>
      </div>
    );
  }
  if (!me.data.admin) {
    return (
      <div className="panel">
        <h1>Users</h1>
        <p>Only admins manage users. You are signed in as {me.data.username}.</p>
      </div>
    );
  }
  return (
    <>
      <header className="page-header">
        <div>
          <h1>Users</h1>
          <p className="muted">Who may sign in, the roles they hold and what each role may do.</p>
        </div>
      </header>
      {users.isPending && <Loading what="users" />}
      {users.isError && <ErrorPanel error={users.error} title="Could not load users" />}
      {users.data && (
        <div className="panel flush table-wrap">
          <table className="table responsive-table users-table">
            <caption className="visually-hidden">Users</caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Roles</th>
                <th scope="col">May</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((user) => (
                <UserRow key={user.username} user={user} me={me.data.username} announce={announce} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="two-col">
        <CreateUser announce={announce} />
        <Permissions announce={announce} />
      </div>
    </>
  );
}
