import { newRow, type MetadataRow } from '../lib/metadata-rows.js';

/** Free key / value pairs: one row per pair, keyboard-friendly, each input labelled. */
export function MetadataEditor({
  legend,
  rows,
  errors,
  onChange,
  idPrefix,
}: {
  legend: string;
  rows: readonly MetadataRow[];
  errors: Readonly<Record<number, string>>;
  onChange: (rows: MetadataRow[]) => void;
  idPrefix: string;
}) {
  const update = (id: number, change: Partial<Pick<MetadataRow, 'key' | 'value'>>) =>
    onChange(rows.map((row) => (row.id === id ? { ...row, ...change } : row)));
  return (
    <fieldset className="metadata-editor">
      <legend>{legend}</legend>
      {rows.length === 0 && <p className="muted small">No pairs.</p>}
      {rows.map((row, index) => {
        const error = errors[row.id];
        const errorId = `${idPrefix}-row-${row.id}-error`;
        const label = row.key.trim() || `pair ${index + 1}`;
        return (
          <div className="metadata-row" key={row.id}>
            <label className="visually-hidden" htmlFor={`${idPrefix}-key-${row.id}`}>
              Key of {label}
            </label>
            <input
              id={`${idPrefix}-key-${row.id}`}
              className="input mono"
              placeholder="key"
              value={row.key}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? errorId : undefined}
              onChange={(e) => update(row.id, { key: e.target.value })}
            />
            <label className="visually-hidden" htmlFor={`${idPrefix}-value-${row.id}`}>
              Value of {label}
            </label>
            <input
              id={`${idPrefix}-value-${row.id}`}
              className="input mono"
              placeholder="value"
              value={row.value}
              onChange={(e) => update(row.id, { value: e.target.value })}
            />
            <button
              type="button"
              className="button button-ghost"
              aria-label={`Remove ${label}`}
              onClick={() => onChange(rows.filter((r) => r.id !== row.id))}
            >
              Remove
            </button>
            {error && (
              <p className="field-error metadata-row-error" id={errorId}>
                {error}
              </p>
            )}
          </div>
        );
      })}
      <button type="button" className="button button-secondary" onClick={() => onChange([...rows, newRow()])}>
        Add pair
      </button>
    </fieldset>
  );
}
