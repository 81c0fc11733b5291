/**
 * Storage tests run on both adapters: PGlite always, PostgreSQL when the test command
 * started a throw-away server (ZHIBO_TEST_PG_URL points at its admin database).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export type DbKind = 'pglite' | 'postgres';

export function testDbKinds(): DbKind[] {
  return process.env.ZHIBO_TEST_PG_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/** A fresh, empty PostgreSQL database for one test; drop() removes it. */
export async function freshPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = process.env.ZHIBO_TEST_PG_URL;
  if (!admin) throw new Error('ZHIBO_TEST_PG_URL is not set: the test command starts PostgreSQL (scripts/test.sh)');
  const name = `zt_${randomBytes(6).toString('hex')}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const d = new pg.Client({ connectionString: admin });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await d.end();
    },
  };
}
