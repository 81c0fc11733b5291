/** The identity module's table: meta (the installation key openids and share signatures derive from). */
import type { Db } from '../../db/index.js';

export class MetaSql {
  constructor(private readonly db: Db) {}

  /** The value of a key, created with `make()` the first time (several processes agree on one value). */
  async value(key: string, make: () => string): Promise<string> {
    await this.db.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, make()]);
    const [row] = await this.db.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key]);
    return row!.value;
  }
}
