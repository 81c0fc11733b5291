/** Migration 2: the real-time channel — comments, mutes, per-room interaction totals, entries, share chain. */
export default `
CREATE TABLE room_comments (
  id text PRIMARY KEY,
  room_id integer NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  openid text NOT NULL,
  nick text NOT NULL,
  text text NOT NULL,
  at bigint NOT NULL,
  deleted_at bigint
);
CREATE INDEX room_comments_room ON room_comments (room_id, at DESC);
CREATE TABLE room_mutes (
  room_id integer NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  openid text NOT NULL,
  at bigint NOT NULL,
  PRIMARY KEY (room_id, openid)
);
CREATE TABLE room_interaction (
  room_id integer PRIMARY KEY REFERENCES rooms(id) ON DELETE CASCADE,
  likes bigint NOT NULL DEFAULT 0,
  peak_viewers integer NOT NULL DEFAULT 0,
  presented_goods_id integer
);
CREATE TABLE room_entries (
  room_id integer NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  openid text NOT NULL,
  session text NOT NULL,
  kind text NOT NULL,
  share_openid text,
  custom_params text NOT NULL DEFAULT '',
  at bigint NOT NULL,
  PRIMARY KEY (room_id, openid, session)
);
CREATE INDEX room_entries_kind ON room_entries (room_id, kind);
CREATE TABLE share_edges (
  room_id integer NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  sharer_openid text NOT NULL,
  viewer_openid text NOT NULL,
  scene integer,
  at bigint NOT NULL,
  PRIMARY KEY (room_id, sharer_openid, viewer_openid)
);
`;
