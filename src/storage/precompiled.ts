// Statements compiled once. Building and compiling a Kysely query costs as much as SQLite takes
// to run it (AST building, visiting and freezing: ~5 µs a query), and the hot reads (the session
// check, the signed request's key) run thousands of times a second with the same shape. A query
// is built once per dialect with `slot(i)` markers where its values go; each call copies the
// compiled query with the values bound into its parameter list. The SQL text is the same for the
// pool and for a transaction (they share the dialect's adapter), and on SQLite it hits the
// driver's statement cache (src/storage/database.ts).
import type { CompiledQuery, Compilable, Kysely } from 'kysely';
import type { DirectReader } from './database.js';
import type { Database } from './schema.js';

const MARK = '\u0000twofold-slot:';

/** The marker for the i-th value of a precompiled query. */
export function slot(i: number): string {
  return `${MARK}${i}`;
}

interface Compiled<Row> {
  query: CompiledQuery<Row>;
  /** For each parameter of the compiled SQL, the value it takes (-1: a constant of the query). */
  slots: number[];
}

export class Precompiled<Row> {
  private readonly byAdapter = new WeakMap<object, Compiled<Row>>();

  constructor(
    private readonly build: (db: Kysely<Database>) => Compilable<Row>,
    private readonly arity: number,
  ) {}

  private compiledFor(db: Kysely<Database>): Compiled<Row> {
    const adapter = db.getExecutor().adapter;
    let hit = this.byAdapter.get(adapter);
    if (!hit) {
      const query = this.build(db).compile();
      const slots = query.parameters.map((p) =>
        typeof p === 'string' && p.startsWith(MARK) ? Number(p.slice(MARK.length)) : -1,
      );
      if (new Set(slots.filter((s) => s >= 0)).size !== this.arity)
        throw new Error(`precompiled query: expected ${this.arity} distinct slots`);
      hit = { query, slots };
      this.byAdapter.set(adapter, hit);
    }
    return hit;
  }

  /**
   * Runs the query with `values` in its slots; the rows as the driver returns them. A read-only
   * query outside a transaction may go to the direct reader (src/storage/database.ts); inside a
   * transaction it must see the transaction's own writes, so it goes through `db`.
   */
  async rows(db: Kysely<Database>, values: readonly unknown[], reader?: DirectReader): Promise<Row[]> {
    if (values.length !== this.arity)
      throw new Error(`precompiled query: needs ${this.arity} values, got ${values.length}`);
    const { query, slots } = this.compiledFor(db);
    const constants = query.parameters;
    const parameters = slots.map((s, i) => (s < 0 ? constants[i] : values[s]));
    if (reader && !db.isTransaction) return reader.all(query.sql, parameters) as Row[];
    return (await db.executeQuery<Row>({ ...query, parameters })).rows;
  }
}
