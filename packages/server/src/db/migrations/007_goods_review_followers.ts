/**
 * Migration 7 (issue 11, part B): WeChat's goods review, pendant keys and long-term subscription (followers).
 * - goods_audits: every review submission (goods/add, goods/audit) with its own auditId sequence, far from goods ids;
 *   goods.audit_id names the current one. third_party_tag 2 = created through the API, 0 = in the console.
 * - goods.goods_key holds a JSON array of strings (WeChat's goodsKey is Array<string>).
 * - goods_pendant_keys: the app's global pendant key (goods/setkey).
 * - followers are subscriptions of kind 'merchant' (room_id NULL; from_room_id = where the viewer followed).
 * - push_messages: push_message calls; their deliveries are outbox rows (ref_id = push_messages.id); the outbox also
 *   carries callback rows whose body is `payload` (wxalive_follow_notify, wxalive_push_message_notify).
 */
export default `
CREATE SEQUENCE goods_audit_ids START 500000001;
CREATE TABLE goods_audits (
  id bigint PRIMARY KEY DEFAULT nextval('goods_audit_ids'),
  goods_id integer NOT NULL REFERENCES goods(id) ON DELETE CASCADE,
  appid text NOT NULL REFERENCES apps(appid) ON DELETE CASCADE,
  submitted_at bigint NOT NULL,
  -- pending | withdrawn | approved | rejected
  state text NOT NULL DEFAULT 'pending',
  decided_at bigint,
  decided_by text,
  reason text NOT NULL DEFAULT ''
);
CREATE INDEX goods_audits_app_submitted ON goods_audits (appid, submitted_at);
CREATE INDEX goods_audits_goods ON goods_audits (goods_id, id);
ALTER TABLE goods ALTER COLUMN audit_id TYPE bigint;
ALTER TABLE goods ALTER COLUMN audit_id SET DEFAULT nextval('goods_audit_ids');
ALTER TABLE goods ADD COLUMN third_party_tag integer NOT NULL DEFAULT 2;
ALTER TABLE goods ADD COLUMN audit_reason text NOT NULL DEFAULT '';
UPDATE goods SET goods_key = CASE WHEN goods_key = '' THEN '[]' ELSE json_build_array(goods_key)::text END;
ALTER TABLE goods ALTER COLUMN goods_key SET DEFAULT '[]';
INSERT INTO goods_audits (id, goods_id, appid, submitted_at, state, decided_at, decided_by)
  SELECT audit_id, id, appid, created_at,
         CASE audit_status WHEN 1 THEN 'pending' WHEN 2 THEN 'approved' WHEN 3 THEN 'rejected' ELSE 'withdrawn' END,
         CASE WHEN audit_status IN (2, 3) THEN created_at END, 'migration'
  FROM goods;
CREATE INDEX goods_app_status ON goods (appid, audit_status, id) WHERE deleted_at IS NULL;

CREATE TABLE goods_pendant_keys (
  appid text PRIMARY KEY REFERENCES apps(appid) ON DELETE CASCADE,
  keys text NOT NULL,
  updated_at bigint NOT NULL
);

ALTER TABLE subscriptions ADD COLUMN from_room_id integer;
CREATE UNIQUE INDEX subscriptions_follower ON subscriptions (appid, openid) WHERE kind = 'merchant';
CREATE INDEX subscriptions_followers_page ON subscriptions (appid, id) WHERE kind = 'merchant';

CREATE TABLE push_messages (
  id bigserial PRIMARY KEY,
  message_id text NOT NULL UNIQUE,
  appid text NOT NULL REFERENCES apps(appid) ON DELETE CASCADE,
  room_id integer NOT NULL,
  day text NOT NULL,
  total_count integer NOT NULL,
  openid_error_count integer NOT NULL,
  relation_error_count integer NOT NULL,
  followers integer NOT NULL,
  created_at bigint NOT NULL,
  reported_at bigint
);
CREATE INDEX push_messages_app_day ON push_messages (appid, day);
ALTER TABLE reminder_outbox ADD COLUMN ref_id bigint;
ALTER TABLE reminder_outbox ADD COLUMN payload text;
CREATE INDEX reminder_outbox_ref ON reminder_outbox (ref_id, state) WHERE ref_id IS NOT NULL;
`;
