/**
 * The one set of migrations (PostgreSQL SQL, run unchanged on PGlite and on a server).
 * Append only: never edit a migration that has shipped.
 */
import type { Db } from './db.js';
import m001 from './migrations/001_core.js';
import m002 from './migrations/002_realtime.js';
import m003 from './migrations/003_reminders.js';
import m004 from './migrations/004_console.js';
import m005 from './migrations/005_reminder_fanout.js';
import m006 from './migrations/006_security_web.js';
import m007 from './migrations/007_goods_review_followers.js';
import m008 from './migrations/008_room_members.js';
import m009 from './migrations/009_anchor_whip.js';
import m010 from './migrations/010_housekeeping.js';
import m011 from './migrations/011_image_paths.js';
import m012 from './migrations/012_replay_highlights.js';
import m013 from './migrations/013_orders.js';

/** One file per migration under ./migrations; append a new file and a line here (never edit a shipped one). */
export const MIGRATIONS: Array<{ id: number; name: string; sql: string }> = [
  { id: 1, name: 'core: apps, tokens, quota, images, rooms, goods, audit log, timers, replays', sql: m001 },
  { id: 2, name: 'realtime: comments, mutes, interaction totals, entries, share chain', sql: m002 },
  { id: 3, name: 'reminders: subscriptions, reminder outbox and delivery log, VAPID keys', sql: m003 },
  { id: 4, name: 'console: accounts, sessions, room samples, goods taps', sql: m004 },
  { id: 5, name: 'reminders: fan-out rows of their own kind, expanded in chunks', sql: m005 },
  { id: 6, name: 'security (web): subscriptions per viewer, console devices, forced password change', sql: m006 },
  { id: 7, name: 'goods review (goods_audits), pendant keys, followers and push messages', sql: m007 },
  { id: 8, name: 'room members: sub-anchor key, assistants and their sessions, roles, stable tokens', sql: m008 },
  { id: 9, name: 'anchor page: one-time sign-in tickets and anchor sessions', sql: m009 },
  { id: 10, name: 'housekeeping: indexes for the storage collector (taps, entries, finished reminders, images by age)', sql: m010 },
  {
    id: 11,
    name: 'images: loopback image URLs stored by rooms and goods become /img/ID paths; subscriptions by viewer; pinned notices',
    sql: m011,
  },
  { id: 12, name: 'replays: one replay per live, merchant events, markers and explanation clips', sql: m012 },
  { id: 13, name: 'orders: orders and refunds traced to the live', sql: m013 },
];

/** Apply pending migrations in order, each in its own transaction. Safe to run from several processes. */
export async function migrate(db: Db): Promise<number[]> {
  await db.query(
    'CREATE TABLE IF NOT EXISTS schema_migrations (id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    const done = await db.tx(async (sql) => {
      // Serialise concurrent migrators (several servers on one PostgreSQL).
      await sql.query('LOCK TABLE schema_migrations IN EXCLUSIVE MODE');
      const seen = await sql.query('SELECT 1 FROM schema_migrations WHERE id = $1', [m.id]);
      if (seen.length) return false;
      await sql.exec(m.sql);
      await sql.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [m.id, m.name]);
      return true;
    });
    if (done) applied.push(m.id);
  }
  return applied;
}
