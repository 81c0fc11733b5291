/**
 * Migration 5: reminder fan-out as rows of their own kind (issue 9/10). A go-live writes ONE fan-out row inside the
 * status transaction; the worker expands it into deliveries in bounded chunks outside it (`cursor` = the last
 * subscription id expanded). Delivery rows are kind 'delivery'; the old pseudo-channel 'fanout' becomes kind 'fanout'.
 */
export default `
ALTER TABLE reminder_outbox ADD COLUMN kind text NOT NULL DEFAULT 'delivery';
ALTER TABLE reminder_outbox ADD COLUMN cursor bigint NOT NULL DEFAULT 0;
UPDATE reminder_outbox SET kind = 'fanout', channel = '' WHERE channel = 'fanout';
CREATE INDEX subscriptions_room_id ON subscriptions (room_id, id) WHERE kind = 'room';
`;
