import { Field } from '../ui/field.js';
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
  return (
    <Field label="Protect threshold" error={error} hint={<>From 0 to 1. {PROTECT_THRESHOLD_RULE}</>}>
      {(control) => (
        <input
          {...control}
          className="input mono narrow"
          inputMode="decimal"
          autoComplete="off"
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}
