-- What a visitor or the admin relies on from one request to the next, kept in the database so
-- that every instance serving the site sees it (it was in each process's memory): admin
-- sessions and edit grants by their token's SHA-256 (never the token), and the events that
-- rate limits count. Times are Unix milliseconds, as every instance's clock reads them.
CREATE TABLE auth_tokens (
    digest TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('admin_session', 'edit_grant')),
    -- the post an edit grant is for; NULL for an admin session
    post_id INTEGER REFERENCES posts (id) ON DELETE CASCADE,
    expires_at_ms BIGINT NOT NULL
);
CREATE INDEX auth_tokens_by_expiry ON auth_tokens (expires_at_ms);

CREATE TABLE rate_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('post', 'wrong_password')),
    address TEXT NOT NULL,
    at_ms BIGINT NOT NULL
);
CREATE INDEX rate_events_by_address ON rate_events (kind, address, at_ms);
CREATE INDEX rate_events_by_time ON rate_events (at_ms);
