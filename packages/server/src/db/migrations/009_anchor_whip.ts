/**
 * Migration 9 (issue 14): the anchor page's sign-in — one-time tickets (the console's QR link, single use, expiring)
 * and the anchor sessions they open, each scoped to one room. See docs/anchor-page.md.
 */
export default `
-- nonce_hash: sha256 of the ticket's nonce (the ticket itself is never stored); used_at: when it was spent.
CREATE TABLE anchor_tickets (
  nonce_hash text PRIMARY KEY,
  room_id integer NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  used_at bigint
);
CREATE INDEX anchor_tickets_expiry ON anchor_tickets (expires_at);
-- token_hash: sha256 of the cookie value.
CREATE TABLE anchor_sessions (
  token_hash text PRIMARY KEY,
  room_id integer NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL
);
CREATE INDEX anchor_sessions_expiry ON anchor_sessions (expires_at);
`;
