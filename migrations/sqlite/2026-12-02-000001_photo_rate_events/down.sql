DELETE FROM rate_events WHERE kind = 'photo';
CREATE TABLE rate_events_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('post', 'wrong_password')),
    address TEXT NOT NULL,
    at_ms BIGINT NOT NULL
);
INSERT INTO rate_events_old (id, kind, address, at_ms) SELECT id, kind, address, at_ms FROM rate_events;
DROP TABLE rate_events;
ALTER TABLE rate_events_old RENAME TO rate_events;
CREATE INDEX rate_events_by_address ON rate_events (kind, address, at_ms);
CREATE INDEX rate_events_by_time ON rate_events (at_ms);
