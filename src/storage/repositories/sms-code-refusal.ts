// Why a conditional UPDATE that stores a new SMS code (on a set-up or a challenge) changed no
// row. The UPDATE alone decides whether the code is stored; this second read only names the
// reason, so two instances sending at the same moment can never both pass the 30 s gap or the
// 5-send cap.
import type { CodeRefusal } from '../../core/ports/mfa-stores.js';

/** The row as read after the UPDATE changed nothing; undefined when it is gone. */
export interface CodeRow {
  open: boolean;
  sends: number;
  last_sent_at: number | null;
}

export function codeRefusal(row: CodeRow | undefined, now: number, minGapMs: number, maxSends: number): CodeRefusal {
  if (!row || !row.open) return 'closed';
  if (Number(row.sends) >= maxSends) return 'too_many';
  if (row.last_sent_at !== null && Number(row.last_sent_at) > now - minGapMs) return 'too_soon';
  return 'closed';
}
