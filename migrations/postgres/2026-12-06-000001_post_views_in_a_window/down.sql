DROP INDEX post_views_by_time;
ALTER TABLE post_views DROP COLUMN seen_at_ms;
