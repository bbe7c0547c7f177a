DROP TABLE rate_events;
DROP TABLE auth_tokens;
