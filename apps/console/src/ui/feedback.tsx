import type { ReactNode } from 'react';
import { errorText } from '../api/admin.js';

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}

export function ErrorPanel({ error, title, children }: { error: unknown; title: string; children?: ReactNode }) {
  return (
    <div className="panel panel-error" role="alert">
      <h2>{title}</h2>
      <p>{errorText(error)}</p>
      {children}
    </div>
  );
}

/** A server refusal shown in place, in the server's own words. */
export function ServerError({ error, id }: { error: unknown; id?: string }) {
  if (!error) return null;
  return (
    <div className="form-error" role="alert" id={id}>
      <strong>Not saved.</strong> The server said: <span className="server-message">{errorText(error)}</span>
    </div>
  );
}
