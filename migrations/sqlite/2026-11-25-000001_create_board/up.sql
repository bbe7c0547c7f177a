-- The request board (요청 게시판): posts, and who has seen each (a view counts once per visitor).
CREATE TABLE posts (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('request', 'correction', 'question', 'notice')),
    title TEXT NOT NULL,
    -- plain text; shown escaped, with line breaks kept and links made clickable
    body TEXT NOT NULL,
    author TEXT NOT NULL,
    -- argon2id PHC string; NULL for a post written by the admin (only the admin may change it)
    password_hash TEXT,
    is_secret BOOLEAN NOT NULL DEFAULT 0,
    is_pinned BOOLEAN NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'received'
        CHECK (status IN ('received', 'in_progress', 'done', 'declined')),
    -- the catalog product the post is about
    product_id INTEGER REFERENCES products (id) ON DELETE SET NULL,
    -- the product as the author named it when it is not in the catalog ('' when none)
    product_name TEXT NOT NULL DEFAULT '',
    -- the admin's answer ('' when none)
    answer TEXT NOT NULL DEFAULT '',
    answered_at TEXT,
    -- the product the admin added to the catalog for this request
    added_product_id INTEGER REFERENCES products (id) ON DELETE SET NULL,
    view_count INTEGER NOT NULL DEFAULT 0,
    -- UTC, 'YYYY-MM-DD HH:MM:SS.SSS'
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))
);

-- the list: pinned first, newest first
CREATE INDEX posts_by_pin_and_id ON posts (is_pinned, id);

CREATE TABLE post_views (
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    -- a hash of the visitor's cookie, never the cookie itself
    viewer TEXT NOT NULL,
    PRIMARY KEY (post_id, viewer)
) WITHOUT ROWID;
