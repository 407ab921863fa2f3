import { useId, useState, type FormEvent } from 'react';

/** Previous / next, where we are, and a jump to any page (a number past the end goes to the last). */
export function Pager({
  label,
  rangeId,
  page,
  pages,
  total,
  pageSize,
  onPage,
}: {
  label: string;
  rangeId: string;
  page: number;
  pages: number;
  total: number;
  pageSize: number;
  onPage: (page: number) => void;
}) {
  const id = useId();
  const [jump, setJump] = useState('');
  if (total === 0) return null;
  const first = (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  const go = (event: FormEvent) => {
    event.preventDefault();
    const wanted = Number(jump.trim());
    if (!Number.isInteger(wanted) || wanted < 1) return;
    onPage(Math.min(wanted, pages));
    setJump('');
  };
  return (
    <nav className="pagination" aria-label={label}>
      <span id={rangeId} className="muted">
        {first}–{last} of {total}
      </span>
      <button type="button" className="button button-secondary" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        Previous
      </button>
      <span aria-current="page">
        Page {page} of {pages}
      </span>
      <button
        type="button"
        className="button button-secondary"
        disabled={page >= pages}
        onClick={() => onPage(page + 1)}
      >
        Next
      </button>
      {pages > 2 && (
        <form className="page-jump" onSubmit={go}>
          <label htmlFor={`${id}-jump`}>Go to page</label>
          <input
            id={`${id}-jump`}
            className="input mono narrow"
            inputMode="numeric"
            autoComplete="off"
            value={jump}
            onChange={(e) => setJump(e.target.value)}
          />
          <button type="submit" className="button button-secondary">
            Go
          </button>
        </form>
      )}
    </nav>
  );
}
