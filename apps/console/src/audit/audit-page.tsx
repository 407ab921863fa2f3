import { useEffect, useState, type FormEvent } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import type { AuditEntryDto } from '@beacon/sdk/admin';
import { auditQueries, type AuditFilters } from '../api/queries.js';
import { href, navigate } from '../app/router.js';
import { ErrorPanel, Loading } from '../ui/feedback.js';
import { Field } from '../ui/field.js';
import { auditDiff } from './audit-diff.js';

/** The filters in the page's URL: `target`, `actor`, `action`, and `from`/`to` as local date-times. */
export function readAuditFilters(params: URLSearchParams): AuditFilters {
  const value = (key: string) => params.get(key)?.trim() || undefined;
  return {
    target: value('target'),
    actor: value('actor'),
    action: value('action'),
    from: value('from'),
    to: value('to'),
  };
}

function filtersHref(f: AuditFilters): string {
  return href('/audit', { target: f.target, actor: f.actor, action: f.action, from: f.from, to: f.to });
}

/** A `datetime-local` value (local time, no zone) as the instant the server filters on. */
function instant(local: string | number | undefined): string | undefined {
  if (local === undefined || local === '') return undefined;
  const at = new Date(local);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

/**
 * Every operator write, newest first: who, from which address, when, what, and the change as a diff
 * of before and after. Filters live in the URL, so a link shows the same entries to a colleague.
 */
export function AuditPage({ filters }: { filters: AuditFilters }) {
  const query = { ...filters, from: instant(filters.from), to: instant(filters.to) };
  const trail = useInfiniteQuery(auditQueries.list(query));
  useEffect(() => {
    document.title = 'Audit · Beacon';
  }, []);
  const entries = trail.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <header className="page-header">
        <div>
          <h1>Audit</h1>
          <p className="muted summary-line">
            Every operator write, newest first: instance edits, service, cluster and switch settings, namespaces, users,
            roles and permissions. Client registrations and beats are not listed.
          </p>
        </div>
      </header>
      {/* Keyed by the URL's filters: the form starts from them again after back or a target link. */}
      <AuditFiltersForm key={filtersHref(filters)} filters={filters} />
      {trail.isPending && <Loading what="the audit trail" />}
      {trail.isError && !trail.data && <ErrorPanel error={trail.error} title="Could not load the audit trail" />}
      {trail.data && entries.length === 0 && <p className="panel muted">No operator writes match these filters.</p>}
      {entries.length > 0 && (
        <div className="table-wrap panel flush">
          <table className="table responsive-table audit-table">
            <caption className="visually-hidden">Operator writes, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">User</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <AuditRow
                  key={entry.id}
                  entry={entry}
                  onTarget={(target) => navigate(filtersHref({ ...filters, target }))}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {trail.hasNextPage && (
        <p>
          <button
            type="button"
            className="button button-secondary"
            disabled={trail.isFetchingNextPage}
            onClick={() => void trail.fetchNextPage()}
          >
            {trail.isFetchingNextPage ? 'Loading…' : 'Older entries'}
          </button>
        </p>
      )}
    </>
  );
}

function AuditFiltersForm({ filters }: { filters: AuditFilters }) {
  const [draft, setDraft] = useState(filters);
  const apply = (event: FormEvent) => {
    event.preventDefault();
    navigate(filtersHref(draft));
  };
  const text = (key: keyof AuditFilters, label: string, placeholder: string, type = 'search') => (
    <Field label={label}>
      {(control) => (
        <input
          {...control}
          type={type}
          className="input"
          placeholder={placeholder}
          value={String(draft[key] ?? '')}
          onChange={(e) => setDraft({ ...draft, [key]: e.target.value || undefined })}
        />
      )}
    </Field>
  );
  return (
    <form className="filters" role="search" aria-label="Filter the audit trail" onSubmit={apply}>
      {text('target', 'Target', 'e.g. public/DEFAULT_GROUP@@orders or user:alice')}
      {text('actor', 'User', 'e.g. nacos')}
      {text('action', 'Action', 'e.g. editInstance')}
      {text('from', 'From', '', 'datetime-local')}
      {text('to', 'To', '', 'datetime-local')}
      <div className="field field-actions">
        <button type="submit" className="button button-primary">
          Apply
        </button>
        <button type="button" className="button button-secondary" onClick={() => navigate('/audit')}>
          Clear
        </button>
      </div>
    </form>
  );
}

function AuditRow({ entry, onTarget }: { entry: AuditEntryDto; onTarget: (target: string) => void }) {
  const at = new Date(entry.at);
  const diff = auditDiff(entry.before, entry.after);
  return (
    <tr data-audit-id={entry.id}>
      <td data-label="When">
        <time dateTime={at.toISOString()} title={at.toISOString()}>
          {at.toLocaleString()}
        </time>
      </td>
      <td data-label="User">
        {entry.actor}
        <div className="muted">{entry.address}</div>
      </td>
      <td data-label="Action">
        <code>{entry.action}</code>
      </td>
      <td data-label="Target">
        <button
          type="button"
          className="link-button"
          title="Show only this target and what lies below it"
          onClick={() => onTarget(entry.target)}
        >
          {entry.target}
        </button>
        <div className="muted">{entry.targetType}</div>
      </td>
      <td data-label="Change">
        {diff.kind !== 'changed' && <span className="badge badge-neutral">{diff.kind}</span>}
        {diff.rows.length > 0 && (
          <dl className="audit-diff">
            {diff.rows.map((row) => (
              <div key={row.field} className="audit-diff-row">
                <dt>{row.field}</dt>
                <dd>
                  {row.before !== undefined && <del>{row.before}</del>}
                  {row.before !== undefined && row.after !== undefined && <span aria-hidden="true"> → </span>}
                  {row.after !== undefined && <ins>{row.after}</ins>}
                </dd>
              </div>
            ))}
          </dl>
        )}
      </td>
    </tr>
  );
}
