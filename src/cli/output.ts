// Human output of the client commands: aligned tables and short dates. Text that comes from the
// server (user agents, event details) is stripped of control characters before it reaches the
// terminal, so that an answer cannot carry terminal escape sequences.

/** Control characters (C0, DEL, C1) become `?`. */
export function printable(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** `2026-05-02T08:00:15.123Z` → `2026-05-02 08:00:15Z`; null → the fallback. */
export function shortTime(iso: string | null | undefined, fallback = '-'): string {
  if (!iso) return fallback;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return printable(iso);
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

export function truncate(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

/** Columns separated by two spaces, padded to the widest cell; no trailing spaces. */
export function table(headers: string[], rows: string[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(printable))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function writeJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function writeLine(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** An event's members beyond the common ones, as `key=value`. */
export function eventDetails(e: Record<string, unknown>): string {
  const common = new Set(['id', 'type', 'at', 'ip', 'user_agent']);
  return Object.entries(e)
    .filter(([k, v]) => !common.has(k) && v !== null && v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}
