/**
 * Migration 4 (issue 5): the merchant console — accounts (operator, merchants), sessions with expiry,
 * per-room samples for the numbers chart, and goods taps from the room page. See docs/console.md.
 */
export default `
CREATE TABLE console_accounts (
  id serial PRIMARY KEY,
  login text NOT NULL UNIQUE,
  name text NOT NULL,
  role text NOT NULL,
  password_hash text NOT NULL,
  created_at bigint NOT NULL,
  password_changed_at bigint NOT NULL
);
-- token_hash: sha256 of the cookie value (the cookie itself is never stored); csrf: the synchronizer token.
CREATE TABLE console_sessions (
  token_hash text PRIMARY KEY,
  account_id integer NOT NULL REFERENCES console_accounts(id) ON DELETE CASCADE,
  csrf text NOT NULL,
  created_at bigint NOT NULL,
  seen_at bigint NOT NULL,
  expires_at bigint NOT NULL
);
CREATE INDEX console_sessions_account ON console_sessions (account_id);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);
-- Viewers and likes of a room over its live, sampled while it is live (the numbers chart).
CREATE TABLE room_samples (
  room_id integer NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  at bigint NOT NULL,
  viewers integer NOT NULL,
  likes bigint NOT NULL,
  PRIMARY KEY (room_id, at)
);
-- A viewer tapped a shelf product (or the presented card) in the room page.
CREATE TABLE goods_taps (
  id bigserial PRIMARY KEY,
  room_id integer NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  goods_id integer NOT NULL,
  openid text NOT NULL DEFAULT '',
  at bigint NOT NULL
);
CREATE INDEX goods_taps_room ON goods_taps (room_id, goods_id);
`;
