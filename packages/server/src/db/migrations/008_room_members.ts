/**
 * Migration 8 (issue 11, part A): room members and switches as WeChat's live API has them — a sub-anchor push key per
 * room, assistants per room (with their phone sign-in sessions), member roles per app, and stable access tokens
 * (`access_tokens.kind` keeps them apart from the ordinary tokens, which never knock them out).
 */
export default `
ALTER TABLE rooms ADD COLUMN sub_stream_key text NOT NULL DEFAULT '';
ALTER TABLE access_tokens ADD COLUMN kind text NOT NULL DEFAULT 'basic';
-- The current stable token of an app (stored as is: the same token is answered until it nears expiry).
CREATE TABLE stable_tokens (
  appid text PRIMARY KEY REFERENCES apps(appid) ON DELETE CASCADE,
  token text NOT NULL,
  expires_at bigint NOT NULL,
  force_day text NOT NULL DEFAULT '',
  force_count integer NOT NULL DEFAULT 0,
  last_force_at bigint NOT NULL DEFAULT 0
);
CREATE TABLE room_assistants (
  room_id integer NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  username text NOT NULL,
  nickname text NOT NULL,
  openid text NOT NULL,
  -- bumped to revoke every sign-in link handed out so far
  link_version integer NOT NULL DEFAULT 0,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  PRIMARY KEY (room_id, username)
);
-- An assistant signed in on a phone: scoped to one room; token_hash is sha256 of the cookie value.
CREATE TABLE assistant_sessions (
  token_hash text PRIMARY KEY,
  room_id integer NOT NULL,
  username text NOT NULL,
  csrf text NOT NULL,
  created_at bigint NOT NULL,
  seen_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  FOREIGN KEY (room_id, username) REFERENCES room_assistants(room_id, username) ON DELETE CASCADE
);
CREATE TABLE app_roles (
  appid text NOT NULL REFERENCES apps(appid) ON DELETE CASCADE,
  username text NOT NULL,
  role integer NOT NULL,
  nickname text NOT NULL DEFAULT '',
  created_at bigint NOT NULL,
  PRIMARY KEY (appid, username, role)
);
CREATE INDEX app_roles_role ON app_roles (appid, role);
`;
