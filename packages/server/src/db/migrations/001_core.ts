/** Migration 1: apps, tokens, quota, images, rooms, goods, audit log, timers, replays. */
export default `
CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE apps (
  appid text PRIMARY KEY,
  name text NOT NULL,
  owner text,
  secret_verify text NOT NULL,
  sign_key text NOT NULL,
  daily_quota integer,
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at bigint NOT NULL
);
CREATE TABLE access_tokens (
  token_hash text PRIMARY KEY,
  appid text NOT NULL REFERENCES apps(appid) ON DELETE CASCADE,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL
);
CREATE INDEX access_tokens_app ON access_tokens (appid, created_at DESC);
CREATE TABLE api_quota (
  appid text NOT NULL REFERENCES apps(appid) ON DELETE CASCADE,
  day text NOT NULL,
  count integer NOT NULL,
  PRIMARY KEY (appid, day)
);
CREATE TABLE images (
  id text PRIMARY KEY,
  appid text NOT NULL REFERENCES apps(appid) ON DELETE CASCADE,
  content_type text NOT NULL,
  bytes bytea NOT NULL,
  width integer NOT NULL,
  height integer NOT NULL,
  size integer NOT NULL,
  created_at bigint NOT NULL
);
CREATE TABLE media (
  media_id text PRIMARY KEY,
  appid text NOT NULL REFERENCES apps(appid) ON DELETE CASCADE,
  image_id text NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL
);
CREATE TABLE rooms (
  id serial PRIMARY KEY,
  appid text NOT NULL REFERENCES apps(appid) ON DELETE CASCADE,
  name text NOT NULL,
  cover_img text NOT NULL,
  share_img text NOT NULL,
  feeds_img text NOT NULL DEFAULT '',
  start_time bigint NOT NULL,
  end_time bigint NOT NULL,
  anchor_name text NOT NULL,
  anchor_img text NOT NULL DEFAULT '',
  anchor_wechat text NOT NULL DEFAULT '',
  sub_anchor_wechat text NOT NULL DEFAULT '',
  creater_wechat text NOT NULL DEFAULT '',
  type integer NOT NULL DEFAULT 1,
  screen_type integer NOT NULL DEFAULT 0,
  close_like integer NOT NULL DEFAULT 0,
  close_goods integer NOT NULL DEFAULT 0,
  close_comment integer NOT NULL DEFAULT 0,
  close_replay integer NOT NULL DEFAULT 0,
  close_share integer NOT NULL DEFAULT 0,
  close_kf integer NOT NULL DEFAULT 0,
  is_feeds_public integer NOT NULL DEFAULT 0,
  live_status integer NOT NULL,
  stream_key text NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  deleted_at bigint
);
CREATE INDEX rooms_app_start ON rooms (appid, start_time DESC, id DESC) WHERE deleted_at IS NULL;
CREATE TABLE room_events (
  id bigserial PRIMARY KEY,
  room_id integer NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  from_status integer,
  to_status integer NOT NULL,
  cause text NOT NULL,
  actor text NOT NULL,
  at bigint NOT NULL
);
CREATE INDEX room_events_room ON room_events (room_id, id);
CREATE TABLE timers (
  room_id integer NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  kind text NOT NULL,
  due_at bigint NOT NULL,
  PRIMARY KEY (room_id, kind)
);
CREATE INDEX timers_due ON timers (due_at);
CREATE TABLE goods (
  id serial PRIMARY KEY,
  appid text NOT NULL REFERENCES apps(appid) ON DELETE CASCADE,
  name text NOT NULL,
  cover_img text NOT NULL,
  price_type integer NOT NULL,
  price integer NOT NULL,
  price2 integer NOT NULL DEFAULT 0,
  url text NOT NULL,
  third_party_appid text NOT NULL DEFAULT '',
  goods_key text NOT NULL DEFAULT '',
  audit_status integer NOT NULL,
  audit_id serial,
  created_at bigint NOT NULL,
  deleted_at bigint
);
CREATE INDEX goods_app ON goods (appid, id) WHERE deleted_at IS NULL;
CREATE TABLE room_goods (
  room_id integer NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  goods_id integer NOT NULL REFERENCES goods(id) ON DELETE CASCADE,
  sort integer NOT NULL,
  on_sale boolean NOT NULL DEFAULT true,
  PRIMARY KEY (room_id, goods_id)
);
CREATE TABLE replays (
  id serial PRIMARY KEY,
  room_id integer NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  session_id text NOT NULL UNIQUE,
  status text NOT NULL,
  file text NOT NULL,
  started_at bigint NOT NULL,
  ended_at bigint,
  duration_sec double precision,
  create_time bigint,
  expire_time bigint
);
CREATE INDEX replays_room ON replays (room_id, started_at);
CREATE INDEX replays_expiry ON replays (expire_time) WHERE status = 'ready';
`;
