DROP TABLE post_views;
DROP INDEX posts_by_pin_and_id;
DROP TABLE posts;
