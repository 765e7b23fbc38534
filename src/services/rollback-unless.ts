// A transaction whose body decides, by its answer, whether it commits: the conditional writes of
// one-time values (a code spent, a challenge closed) report a lost race as a verdict, not an error.
import type { Storage, Stores } from '../core/ports/stores.js';

/** Runs fn in a transaction that commits only when fn answers 'ok'; any other answer rolls back. */
export async function rollbackUnless<T extends string>(
  storage: Pick<Storage, 'transaction'>,
  fn: (tx: Stores) => Promise<T | 'ok'>,
): Promise<T | 'ok'> {
  class Abort extends Error {
    constructor(readonly verdict: T) {
      super('rollback');
    }
  }
  try {
    return await storage.transaction(async (tx) => {
      const verdict = await fn(tx);
      if (verdict !== 'ok') throw new Abort(verdict);
      return verdict;
    });
  } catch (e) {
    if (e instanceof Abort) return e.verdict;
    throw e;
  }
}
