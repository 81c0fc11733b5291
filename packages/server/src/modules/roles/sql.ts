/** The roles module's table: app_roles (members of an app with WeChat's live roles). */
import type { Db } from '../../db/index.js';

export class RolesSql {
  constructor(private readonly db: Db) {}

  /** Add a role unless held (false) or `max` members already hold it (null); one transaction, the app's roles locked. */
  add(appid: string, username: string, role: number, max: number, now: number): Promise<boolean | null> {
    return this.db.tx(async (sql) => {
      await sql.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`roles:${appid}`]);
      const held = await sql.query('SELECT 1 FROM app_roles WHERE appid = $1 AND username = $2 AND role = $3', [appid, username, role]);
      if (held.length) return false;
      const [c] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM app_roles WHERE appid = $1 AND role = $2', [appid, role]);
      if ((c?.n ?? 0) >= max) return null;
      await sql.query('INSERT INTO app_roles (appid, username, role, created_at) VALUES ($1, $2, $3, $4)', [appid, username, role, now]);
      return true;
    });
  }

  async remove(appid: string, username: string, role: number): Promise<boolean> {
    return (
      (await this.db.query('DELETE FROM app_roles WHERE appid = $1 AND username = $2 AND role = $3 RETURNING 1', [appid, username, role]))
        .length > 0
    );
  }

  async holds(appid: string, username: string, role: number): Promise<boolean> {
    return (
      (await this.db.query('SELECT 1 FROM app_roles WHERE appid = $1 AND username = $2 AND role = $3', [appid, username, role])).length > 0
    );
  }

  /** Members (one row per username, its roles and last change), filtered by role (-1: any) and a keyword in the username. */
  async page(
    appid: string,
    role: number,
    keyword: string,
    offset: number,
    limit: number,
  ): Promise<{ total: number; rows: Array<{ username: string; roles: number[]; updated: number }> }> {
    const where = `appid = $1 AND ($2::int = -1 OR username IN (SELECT username FROM app_roles WHERE appid = $1 AND role = $2)) AND ($3 = '' OR strpos(lower(username), lower($3)) > 0)`;
    const rows = await this.db.query<{ username: string; roles: number[]; updated: number }>(
      `SELECT username, array_agg(role ORDER BY role) AS roles, max(created_at) AS updated FROM app_roles WHERE ${where}
       GROUP BY username ORDER BY max(created_at) DESC, username OFFSET $4 LIMIT $5`,
      [appid, role, keyword, offset, limit],
    );
    const [c] = await this.db.query<{ n: number }>(`SELECT count(DISTINCT username)::int AS n FROM app_roles WHERE ${where}`, [
      appid,
      role,
      keyword,
    ]);
    return { total: c?.n ?? 0, rows };
  }
}
