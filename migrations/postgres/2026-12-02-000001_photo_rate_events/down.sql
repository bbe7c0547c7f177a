DELETE FROM rate_events WHERE kind = 'photo';
ALTER TABLE rate_events DROP CONSTRAINT rate_events_kind_check;
ALTER TABLE rate_events ADD CONSTRAINT rate_events_kind_check
    CHECK (kind IN ('post', 'wrong_password'));
