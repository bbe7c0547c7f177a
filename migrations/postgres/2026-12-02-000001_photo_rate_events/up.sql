-- Label photos read per address are counted too (OCR is the costliest request there is).
ALTER TABLE rate_events DROP CONSTRAINT rate_events_kind_check;
ALTER TABLE rate_events ADD CONSTRAINT rate_events_kind_check
    CHECK (kind IN ('post', 'wrong_password', 'photo'));
