/** Small, locale-stable formatting for the tables: operators compare numbers across rows. */

/** "just now", "4 s ago", "2 min 5 s ago", "3 h 12 min ago". */
export function formatAgo(elapsedMs: number): string {
  if (!Number.isFinite(elapsedMs) || elapsedMs < 1000) return 'just now';
  // Nearest second: 2.9 s of silence reads "3 s", as a timeout of 3 s is about to say.
  const s = Math.round(elapsedMs / 1000);
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m} min ago` : `${m} min ${s % 60} s ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 === 0 ? `${h} h ago` : `${h} h ${m % 60} min ago`;
  return `${Math.floor(h / 24)} d ago`;
}

/** Milliseconds as written in metadata, grouped for reading: 30000 -> "30 000 ms". */
export function formatMillis(ms: number): string {
  return `${groupDigits(ms)} ms`;
}

export function groupDigits(n: number): string {
  const [int = '', frac] = String(n).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

/** "75%" for a protect threshold of 0.75. */
export function formatRatio(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10}%`;
}

export function formatClock(at: number): string {
  const d = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
