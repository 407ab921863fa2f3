import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { admin, errorText, isApiError } from '../api/admin.js';
import { Field } from '../ui/field.js';
import { auth } from './session.js';

/** Shown when the server answers 401: auth is on and we have no valid token. */
export function LoginPage() {
  const id = useId();
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('nacos');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [pending, setPending] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = 'Sign in · Beacon';
    passwordRef.current?.focus();
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setPending(true);
    setError(undefined);
    try {
      const result = await admin.login(username.trim(), password);
      auth.signedIn(result);
      // Everything that failed with 401 is fetched again with the new token.
      await queryClient.resetQueries();
    } catch (e) {
      setError(isApiError(e, 403) ? `Wrong username or password (${errorText(e)})` : errorText(e));
      setPending(false);
    }
  };

  return (
    <main className="login" id="main">
      <form className="panel login-panel" onSubmit={submit} aria-labelledby={`${id}-title`}>
        <div className="brand brand-large" aria-hidden="true">
          <span className="brand-mark" /> Beacon
        </div>
        <h1 id={`${id}-title`}>Sign in to the console</h1>
        <Field label="Username">
          {(control) => (
            <input
              {...control}
              className="input"
              autoComplete="username"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              required
            />
          )}
        </Field>
        <Field label="Password">
          {(control) => (
            <input
              {...control}
              ref={passwordRef}
              className="input"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          )}
        </Field>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button button-primary wide" disabled={pending || !username || !password}>
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small">
          The admin user is <span className="mono">nacos</span>; its password is BEACON_ADMIN_PASSWORD, or the one
          printed at the server&apos;s first start.
        </p>
      </form>
    </main>
  );
}
