import { useId } from 'react';
import { PROTECT_THRESHOLD_RULE } from './protect-threshold.js';

/** The protect threshold input, with the one wording of what it does and its error in place. */
export function ProtectThresholdField({
  value,
  error,
  onChange,
}: {
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={`${id}-threshold`}>Protect threshold</label>
      <input
        id={`${id}-threshold`}
        className="input mono narrow"
        inputMode="decimal"
        autoComplete="off"
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
        onChange={(e) => onChange(e.target.value)}
      />
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
      <p className="hint" id={`${id}-hint`}>
        From 0 to 1. {PROTECT_THRESHOLD_RULE}
      </p>
    </div>
  );
}
