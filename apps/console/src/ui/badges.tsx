import type { ReactNode } from 'react';
import { PROTECTION_REACHED_TITLE } from '../services/protect-threshold.js';

type Tone = 'ok' | 'bad' | 'warn' | 'neutral' | 'info';

const ICONS: Record<Tone, ReactNode> = {
  ok: <path d="M3.5 8.5l3 3 6-7" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />,
  bad: <path d="M4 4l8 8M12 4l-8 8" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />,
  warn: (
    <>
      <path d="M8 2l6.5 12h-13z" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinejoin="round" />
      <path d="M8 6.5v3.5M8 12v.5" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
    </>
  ),
  neutral: <circle cx="8" cy="8" r="3.5" fill="none" stroke="currentColor" strokeWidth="1.6" />,
  info: <circle cx="8" cy="8" r="3.5" fill="currentColor" />,
};

/** A coloured label that never relies on colour alone: it has an icon and words. */
export function Badge({ tone, children, title }: { tone: Tone; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      <svg className="badge-icon" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
        {ICONS[tone]}
      </svg>
      {children}
    </span>
  );
}

export function HealthBadge({ healthy }: { healthy: boolean }) {
  return healthy ? <Badge tone="ok">Healthy</Badge> : <Badge tone="bad">Unhealthy</Badge>;
}

/**
 * The state of a whole service, worst first. Every instance down reads as that, although the
 * protect threshold is then reached too (at threshold 0 only then): "protection reached" is for a
 * service that still has healthy instances but too few.
 */
export function ServiceStateBadge({
  instanceCount,
  healthyCount,
  protectionReached,
}: {
  instanceCount: number;
  healthyCount: number;
  protectionReached: boolean;
}) {
  if (instanceCount > 0 && healthyCount === 0) {
    return (
      <Badge tone="bad" title={protectionReached ? PROTECTION_REACHED_TITLE : undefined}>
        All down
      </Badge>
    );
  }
  if (protectionReached) {
    return (
      <Badge tone="bad" title={PROTECTION_REACHED_TITLE}>
        Protection reached
      </Badge>
    );
  }
  if (instanceCount === 0) return <Badge tone="neutral">No instances</Badge>;
  const unhealthy = instanceCount - healthyCount;
  if (unhealthy === 0) return <Badge tone="ok">All healthy</Badge>;
  return <Badge tone="warn">{unhealthy} unhealthy</Badge>;
}

/**
 * "3 / 4" with a bar: instances serving (healthy and enabled) of all; " · 1 disabled" when some
 * are disabled, since a disabled instance may be healthy but is not given to clients. The words
 * carry the meaning, the bar helps scanning a long list.
 */
export function HealthCount({ healthy, total, disabled = 0 }: { healthy: number; total: number; disabled?: number }) {
  const share = total === 0 ? 0 : healthy / total;
  const tone = total === 0 ? 'neutral' : healthy === total ? 'ok' : healthy === 0 ? 'bad' : 'warn';
  return (
    <span className="health-count">
      <span className={`meter meter-${tone}`} aria-hidden="true">
        <span className="meter-fill" style={{ width: `${Math.round(share * 100)}%` }} />
      </span>
      <span>
        {healthy} / {total}
        <span className="visually-hidden"> healthy</span>
        {disabled > 0 && <span className="muted small"> · {disabled} disabled</span>}
      </span>
    </span>
  );
}
