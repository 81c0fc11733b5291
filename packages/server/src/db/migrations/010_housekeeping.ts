/**
 * Migration 10 (issue 10, storage growth): indexes the storage collector deletes by — old goods taps and entries past
 * the retention, finished reminder rows past theirs — so an hourly pass never scans whole tables.
 */
export default `
CREATE INDEX goods_taps_at ON goods_taps (at);
CREATE INDEX room_entries_at ON room_entries (at);
CREATE INDEX reminder_outbox_done ON reminder_outbox (done_at) WHERE state <> 'pending';
CREATE INDEX images_created ON images (created_at);
`;
