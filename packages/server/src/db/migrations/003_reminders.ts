/**
 * Migration 3 (issue 6, S-SUB): subscriptions, the reminder outbox with its delivery log, and
 * per-app VAPID keys for Web Push. See docs/reminders.md.
 */
export default `
-- A viewer's wish to be reminded. kind 'room' is WeChat's single subscription to one upcoming
-- room (S-SUB-1: once per viewer and room). A later kind 'merchant' (follow a merchant, WeChat's
-- get_wxa_followers / push_message) has room_id NULL and gets its own unique index.
CREATE TABLE subscriptions (
  id bigserial PRIMARY KEY,
  appid text NOT NULL REFERENCES apps(appid) ON DELETE CASCADE,
  kind text NOT NULL DEFAULT 'room',
  room_id integer REFERENCES rooms(id) ON DELETE CASCADE,
  openid text NOT NULL,
  -- the viewer's browser PushSubscription (Web Push), NULL when none or revoked (404/410)
  push_endpoint text,
  push_p256dh text,
  push_auth text,
  created_at bigint NOT NULL
);
CREATE UNIQUE INDEX subscriptions_room_viewer ON subscriptions (room_id, openid) WHERE kind = 'room';
CREATE INDEX subscriptions_push_endpoint ON subscriptions (push_endpoint) WHERE push_endpoint IS NOT NULL;

-- The transactional outbox: one row per delivery (subscription × channel × event), written in
-- the transaction that makes it due (the go-live status change). source_kind/source_id name
-- what it came from ('room_sub' → subscriptions.id; 'room' → rooms.id for a fan-out job).
-- available_at is both the due time and the lease (visibility timeout): a worker that claims a
-- row moves it to now + lease, so a row claimed by a process that died is claimed again later.
CREATE TABLE reminder_outbox (
  id bigserial PRIMARY KEY,
  appid text NOT NULL REFERENCES apps(appid) ON DELETE CASCADE,
  source_kind text NOT NULL,
  source_id bigint NOT NULL,
  room_id integer NOT NULL,
  openid text NOT NULL DEFAULT '',
  channel text NOT NULL,
  event text NOT NULL,
  idempotency_key text NOT NULL UNIQUE,
  state text NOT NULL DEFAULT 'pending',
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer,
  available_at bigint NOT NULL,
  last_status integer,
  last_error text,
  created_at bigint NOT NULL,
  done_at bigint
);
CREATE INDEX reminder_outbox_due ON reminder_outbox (available_at, id) WHERE state = 'pending';
CREATE INDEX reminder_outbox_room ON reminder_outbox (room_id, state);

-- The delivery log: one row per attempt that finished (status code or error, duration).
CREATE TABLE reminder_attempts (
  id bigserial PRIMARY KEY,
  outbox_id bigint NOT NULL REFERENCES reminder_outbox(id) ON DELETE CASCADE,
  attempt integer NOT NULL,
  at bigint NOT NULL,
  status_code integer,
  error text,
  duration_ms integer NOT NULL
);
CREATE INDEX reminder_attempts_outbox ON reminder_attempts (outbox_id, id);

-- Web Push: one VAPID key pair per app (the public key goes to browsers).
CREATE TABLE app_vapid_keys (
  appid text PRIMARY KEY REFERENCES apps(appid) ON DELETE CASCADE,
  public_key text NOT NULL,
  private_key text NOT NULL,
  created_at bigint NOT NULL
);
`;
