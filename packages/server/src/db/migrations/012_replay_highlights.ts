/**
 * Migration 12 (issue 15): replays that keep selling — owned by the replays module.
 * - replays.clock_started_at: the server clock when a publish session started (the media's own start time may come
 *   from another clock; events are placed on the replay's timeline by the server clock).
 * - replay_lives: the one replay of a live (one per room): live → pending → building → ready | empty | failed, then
 *   expired or deleted. `file` is a segment's MP4 (one segment, owned = false) or a joined MP4 (owned = true);
 *   `segments` lists each segment's offset on the one timeline.
 * - replay_events: what the merchant did during the live (present a product, comments switch, notices), by server time.
 * - replay_markers: the 看点 (product, start, end in seconds of the one replay) and their explanation clips.
 * Rooms recorded before this migration get a pending row: the builder makes their one replay (without markers: their
 * presents were not written down) once they have ended.
 */
export default `
ALTER TABLE replays ADD COLUMN clock_started_at bigint;
CREATE TABLE replay_lives (
  room_id integer PRIMARY KEY REFERENCES rooms(id) ON DELETE CASCADE,
  status text NOT NULL,
  file_key text NOT NULL DEFAULT '',
  file text NOT NULL DEFAULT '',
  owned boolean NOT NULL DEFAULT false,
  duration_sec double precision,
  segments jsonb NOT NULL DEFAULT '[]'::jsonb,
  built_at bigint,
  expire_time bigint,
  claimed_at bigint,
  error text NOT NULL DEFAULT '',
  updated_at bigint NOT NULL
);
CREATE INDEX replay_lives_status ON replay_lives (status) WHERE status IN ('live', 'pending', 'building');
CREATE INDEX replay_lives_expiry ON replay_lives (expire_time) WHERE status = 'ready';
CREATE TABLE replay_events (
  id bigserial PRIMARY KEY,
  room_id integer NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  at bigint NOT NULL,
  kind text NOT NULL,
  goods_id integer,
  text text NOT NULL DEFAULT ''
);
CREATE INDEX replay_events_room ON replay_events (room_id, at, id);
CREATE TABLE replay_markers (
  id serial PRIMARY KEY,
  room_id integer NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  goods_id integer NOT NULL,
  start_sec double precision NOT NULL,
  end_sec double precision NOT NULL,
  origin text NOT NULL,
  edited boolean NOT NULL DEFAULT false,
  clip_status text NOT NULL DEFAULT 'pending',
  clip_key text NOT NULL DEFAULT '',
  clip_file text NOT NULL DEFAULT '',
  clip_start_sec double precision,
  clip_duration_sec double precision,
  clip_error text NOT NULL DEFAULT '',
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
CREATE INDEX replay_markers_room ON replay_markers (room_id, start_sec);
INSERT INTO replay_lives (room_id, status, updated_at) SELECT DISTINCT room_id, 'pending', 0 FROM replays WHERE status = 'ready';
`;
