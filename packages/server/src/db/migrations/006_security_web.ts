/**
 * Migration 6 (issue 10, web side; docs/security.md): subscriptions per viewer are capped (an index to count them),
 * console devices that signed in before (they are exempt from an account's lockout, not from the per-IP limit), and
 * accounts that must change a generated password before doing anything else.
 */
export default `
CREATE INDEX subscriptions_openid ON subscriptions (openid);
ALTER TABLE console_accounts ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;
-- token_hash: sha256 of the device cookie (the cookie itself is never stored).
CREATE TABLE console_devices (
  token_hash text NOT NULL,
  account_id integer NOT NULL REFERENCES console_accounts(id) ON DELETE CASCADE,
  created_at bigint NOT NULL,
  seen_at bigint NOT NULL,
  PRIMARY KEY (token_hash, account_id)
);
CREATE INDEX console_devices_account ON console_devices (account_id);
`;
