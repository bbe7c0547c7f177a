-- A view counts once per visitor per counting window (a day), and views older than the window
-- are pruned: the table no longer grows with every visitor for ever. Rows from before carry 0,
-- older than any window, and go at the next prune (the posts keep their counts).
ALTER TABLE post_views ADD COLUMN seen_at_ms BIGINT NOT NULL DEFAULT 0;
CREATE INDEX post_views_by_time ON post_views (seen_at_ms);
