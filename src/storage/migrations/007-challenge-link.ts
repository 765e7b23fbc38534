// A Google identity that a sign-in would link to an account with a second factor is linked only
// once that factor (or the recovery code) has been given: until then it waits on the challenge.
import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('mfa_challenges').addColumn('link_issuer', 'text').execute();
  await db.schema.alterTable('mfa_challenges').addColumn('link_subject', 'text').execute();
  await db.schema.alterTable('mfa_challenges').addColumn('link_email', 'text').execute();
}
