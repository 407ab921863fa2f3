/**
 * One wording of the protect threshold for the badge, the settings and the forms, true to the
 * server's rule (Nacos's): protection is on when healthy / total <= threshold. So 0 does not turn
 * it off: it engages only when no instance at all is healthy.
 */
export const PROTECT_THRESHOLD_RULE =
  'When the share of healthy instances falls to the threshold or below, clients get every instance, healthy or not. At 0 this happens only when no instance is healthy.';

export const PROTECTION_REACHED_TITLE =
  'Protection reached: the healthy share is at or below the protect threshold, so clients are given every instance, healthy or not.';

/** The error for a threshold that is not a ratio; `''` when it is fine. */
export function protectThresholdError(text: string): string | undefined {
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (trimmed === '') return 'Enter a threshold from 0 to 1, e.g. 0.5 for 50%';
  if (!Number.isFinite(value) || value < 0 || value > 1) return 'Must be a number from 0 to 1, e.g. 0.5 for 50%';
  return undefined;
}
