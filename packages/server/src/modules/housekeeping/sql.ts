/** Housekeeping owns no table: after large deletes on PGlite (no autovacuum there) the space is made reusable. */
import type { Db } from '../../db/index.js';

export class HousekeepingSql {
  constructor(private readonly db: Db) {}

  /** VACUUM the tables that lost rows (PGlite only; PostgreSQL's autovacuum does this by itself). */
  async vacuum(tables: readonly string[]): Promise<void> {
    if (this.db.kind !== 'pglite') return;
    for (const t of tables) if (/^[a-z_]+$/.test(t)) await this.db.exec(`VACUUM ${t}`);
  }
}
