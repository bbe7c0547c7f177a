-- Label photos read per address are counted too (OCR is the costliest request there is).
-- SQLite cannot change a CHECK constraint: the table is made again with the events kept.
CREATE TABLE rate_events_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('post', 'wrong_password', 'photo')),
    address TEXT NOT NULL,
    at_ms BIGINT NOT NULL
);
INSERT INTO rate_events_new (id, kind, address, at_ms) SELECT id, kind, address, at_ms FROM rate_events;
DROP TABLE rate_events;
ALTER TABLE rate_events_new RENAME TO rate_events;
CREATE INDEX rate_events_by_address ON rate_events (kind, address, at_ms);
CREATE INDEX rate_events_by_time ON rate_events (at_ms);
