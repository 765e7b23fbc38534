// `twofold admin users …`: find, show, lock, unlock, sign out and delete accounts through
// /v1/admin/users (docs/admin.md), a table by default and the API's JSON with --json.
import type { Command } from 'commander';
import type { AdminUserDetail, AdminUserSummary } from '../services/admin-accounts.js';
import type { ClientOptions } from './client-context.js';
import { adminCommand } from './admin-client.js';
import { eventDetails, shortTime, table, writeJson, writeLine } from './output.js';

type Because = ClientOptions & { reason: string; ticket?: string };
const because = (o: Because) => ({ reason: o.reason, ...(o.ticket ? { ticket: o.ticket } : {}) });
const withReason = (cmd: Command) =>
  cmd
    .requiredOption('--reason <text>', 'why (kept in the admin audit log)')
    .option('--ticket <id>', 'the support ticket (kept in the admin audit log)');

function summaryRows(users: AdminUserSummary[]): string {
  return table(
    ['ID', 'EMAIL', 'VERIFIED', '2FA', 'LOCKED', 'CREATED'],
    users.map((u) => [
      u.id,
      u.email,
      u.email_verified ? 'yes' : 'no',
      u.mfa_method ?? '-',
      u.locked ? (u.locked_until ? `until ${shortTime(u.locked_until)}` : 'yes') : 'no',
      shortTime(u.created_at),
    ]),
  );
}

function printDetail(u: AdminUserDetail): void {
  writeLine(summaryRows([u]));
  writeLine('');
  writeLine(
    table(
      ['LAST SIGN-IN', 'ACCESS KEYS', 'PASSKEYS', 'GOOGLE'],
      [
        [
          shortTime(u.last_sign_in_at),
          String(u.access_keys),
          u.passkeys === null ? '-' : String(u.passkeys),
          u.google_linked ? 'linked' : 'no',
        ],
      ],
    ),
  );
  if (u.recent_events.length === 0) return;
  writeLine('');
  writeLine(
    table(
      ['WHEN', 'EVENT', 'FROM', 'DETAILS'],
      u.recent_events.map((e) => [shortTime(e.at), e.type, e.ip ?? '-', eventDetails(e)]),
    ),
  );
}

export function registerAdminUsersCommand(admin: Command): void {
  const users = admin
    .command('users')
    .description('find and act on accounts (signed with TWOFOLD_ADMIN_KEY_ID / TWOFOLD_ADMIN_SECRET)');
  const path = (id: string, tail = '') => `/v1/admin/users/${encodeURIComponent(id)}${tail}`;

  const find = adminCommand(
    users,
    'find <email>',
    'accounts with this email, or starting with it when it ends in *',
    'admin users find',
  );
  find.cmd
    .option('--limit <n>', 'at most this many (1-200)', '50')
    .option('--after <email>', 'the page after this email (printed as "next")')
    .action((email: string, o: ClientOptions & { limit: string; after?: string }) =>
      find.run(async (c) => {
        const page = await c.call<{ users: AdminUserSummary[]; next: string | null }>({
          method: 'GET',
          path: '/v1/admin/users',
          query: { email, limit: o.limit, after: o.after },
        });
        if (o.json) return writeJson(page);
        writeLine(page.users.length ? summaryRows(page.users) : 'no account found');
        if (page.next) writeLine(`next: --after ${page.next}`);
      }, o),
    );

  const show = adminCommand(users, 'show <id>', 'one account, with its recent security events', 'admin users show');
  show.cmd.action((id: string, o: ClientOptions) =>
    show.run(async (c) => {
      const u = await c.call<AdminUserDetail>({ method: 'GET', path: path(id) });
      if (o.json) writeJson(u);
      else printDetail(u);
    }, o),
  );

  for (const [name, tail, description] of [
    ['lock', '/lock', 'lock the account: no sign-in, no access key; every device is signed out; the owner is mailed'],
    ['unlock', '/unlock', 'unlock the account; the owner is mailed'],
  ] as const) {
    const c = adminCommand(users, `${name} <id>`, description, `admin users ${name}`);
    withReason(c.cmd);
    if (name === 'lock') c.cmd.option('--until <time>', 'an ISO 8601 time the lock ends at (default: until unlocked)');
    c.cmd.action((id: string, o: Because & { until?: string }) =>
      c.run(async (client) => {
        const u = await client.call<AdminUserDetail>({
          method: 'POST',
          path: path(id, tail),
          body: { ...because(o), ...(o.until ? { until: o.until } : {}) },
        });
        if (o.json) writeJson(u);
        else printDetail(u);
      }, o),
    );
  }

  const end = adminCommand(
    users,
    'end-sessions <id>',
    'sign the account out everywhere; the owner is mailed',
    'admin users end-sessions',
  );
  withReason(end.cmd).action((id: string, o: Because) =>
    end.run(async (c) => {
      const r = await c.call<{ sessions_ended: number }>({
        method: 'POST',
        path: path(id, '/sessions/end'),
        body: because(o),
      });
      if (o.json) writeJson(r);
      else writeLine(`${r.sessions_ended} session(s) ended`);
    }, o),
  );

  const del = adminCommand(
    users,
    'delete <id>',
    'delete the account and everything of it; the owner is mailed',
    'admin users delete',
  );
  withReason(del.cmd).action((id: string, o: Because) =>
    del.run(async (c) => {
      await c.call<void>({ method: 'DELETE', path: path(id), body: because(o) });
      if (o.json) writeJson({ deleted: id });
      else writeLine(`deleted ${id}`);
    }, o),
  );

  const reset = adminCommand(
    users,
    'mfa-reset <id>',
    'start the audited support reset of a lost second factor (done after TWOFOLD_SUPPORT_RESET_DELAY unless the owner cancels)',
    'admin users mfa-reset',
  );
  reset.cmd
    .requiredOption('--reason <text>', 'why (kept in the admin audit log)')
    .requiredOption('--ticket <id>', 'the support ticket (required)')
    .action((id: string, o: Because) =>
      reset.run(async (c) => {
        const r = await c.call<{ id: string; due_at: string }>({
          method: 'POST',
          path: path(id, '/mfa-reset'),
          body: because(o),
        });
        if (o.json) writeJson(r);
        else
          writeLine(`support reset ${r.id} pending until ${shortTime(r.due_at)}; the owner was mailed a cancel link`);
      }, o),
    );

  const cancel = adminCommand(
    users,
    'cancel-mfa-reset <id>',
    'cancel the pending support reset',
    'admin users cancel-mfa-reset',
  );
  withReason(cancel.cmd).action((id: string, o: Because) =>
    cancel.run(async (c) => {
      await c.call<void>({ method: 'DELETE', path: path(id, '/mfa-reset'), body: because(o) });
      if (o.json) writeJson({ cancelled: id });
      else writeLine('support reset cancelled');
    }, o),
  );
}
