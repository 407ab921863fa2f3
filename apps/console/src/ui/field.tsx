import { useId, type ReactNode } from 'react';

/** What a field hands its control: the id its label names, and the error and hint that describe it. */
export interface FieldControl {
  readonly id: string;
  readonly 'aria-invalid': true | undefined;
  readonly 'aria-describedby': string | undefined;
}

/**
 * A labelled control with its inline error and hint: the one markup of a form field. The caller
 * renders the control (input, select, ...) and spreads `control` onto it.
 */
export function Field({
  label,
  error,
  hint,
  children,
}: {
  label: ReactNode;
  /** Shown (and the control marked invalid) when set; pass undefined or false to show none. */
  error?: string | false | undefined;
  hint?: ReactNode;
  children: (control: FieldControl) => ReactNode;
}) {
  const id = useId();
  const described = [error ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': described || undefined })}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}
