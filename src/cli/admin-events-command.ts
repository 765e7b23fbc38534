// `twofold admin events --since … --format jsonl`: the security log of every account and the
// admin audit log, one JSON object a line, oldest first, for a SIEM (docs/admin.md). Run on the
// server host, against the database directly; pages through both tables, so memory stays flat.
import type { Command } from 'commander';
import 'dotenv/config';
import { ConfigError, loadConfig } from '../runtime/config.js';

const PAGE = 500;

/** `2026-07-01`, an ISO time, or a duration back from now: `90m`, `24h`, `7d`. */
export function parseSince(value: string, now: number): number | null {
  const ago = /^(\d+)(m|h|d)$/.exec(value);
  if (ago) return now - Number(ago[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[ago[2] as 'm' | 'h' | 'd'];
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function registerAdminEventsCommand(admin: Command): void {
  admin
    .command('events')
    .description('print the security and admin audit logs as JSON lines (run on the server host)')
    .requiredOption('--since <when>', 'a date or time (2026-07-01, 2026-07-01T12:00:00Z) or a duration back (24h, 7d)')
    .option('--format <format>', 'jsonl (the only format)', 'jsonl')
    .option('--log <which>', 'security, admin or both', 'both')
    .action(async (o: { since: string; format: string; log: string }) => {
      const since = parseSince(o.since, Date.now());
      const fail = (line: string) => {
        process.stderr.write(`twofold: ${line}\n`);
        process.exit(2);
      };
      if (since === null) return fail(`--since "${o.since}" is not a date, a time or a duration like 24h`);
      if (o.format !== 'jsonl') return fail(`--format ${o.format}: only jsonl is supported`);
      if (!['security', 'admin', 'both'].includes(o.log)) return fail('--log must be security, admin or both');
      let config;
      try {
        config = loadConfig(process.env);
      } catch (e) {
        if (e instanceof ConfigError) return fail(`configuration error: ${e.message}`);
        throw e;
      }
      const [{ openDatabase }, { createStorage }] = await Promise.all([
        import('../storage/database.js'),
        import('../storage/storage.js'),
      ]);
      const db = openDatabase(config.databaseUrl);
      const out = (v: unknown) => process.stdout.write(`${JSON.stringify(v)}\n`);
      try {
        const store = createStorage(db).admin;
        if (o.log !== 'admin') {
          for (let after: number | undefined; ;) {
            const page = await store.listEvents({
              sinceMs: since,
              limit: PAGE,
              ...(after === undefined ? {} : { afterId: after }),
            });
            for (const e of page)
              out({
                log: 'security',
                id: e.id,
                at: iso(e.at),
                user_id: e.userId,
                type: e.type,
                ip: e.ip,
                user_agent: e.userAgent,
                ...(e.data ? { data: e.data } : {}),
              });
            if (page.length < PAGE) break;
            after = page.at(-1)!.id;
          }
        }
        if (o.log !== 'security') {
          for (let after: number | undefined; ;) {
            const page = await store.listAudit({
              sinceMs: since,
              limit: PAGE,
              ...(after === undefined ? {} : { afterId: after }),
            });
            for (const a of page)
              out({
                log: 'admin',
                id: a.id,
                at: iso(a.at),
                key_id: a.keyId,
                key_name: a.keyName,
                action: a.action,
                target_user_id: a.targetUserId,
                reason: a.reason,
                ticket: a.ticket,
                status: a.status,
                ip: a.ip,
                user_agent: a.userAgent,
              });
            if (page.length < PAGE) break;
            after = page.at(-1)!.id;
          }
        }
      } finally {
        await db.close();
      }
    });
}
