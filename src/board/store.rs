//! Board queries, next to the board's model: posts, their list pages, views, moderation.

use crate::db::Conn;
use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::schema::{post_views, posts};

/// Posts on one list page.
pub const POSTS_PER_PAGE: i64 = 20;

/// The current UTC time in the stored form (`YYYY-MM-DD HH:MM:SS.SSS`), to the millisecond, so
/// an edit right after writing still shows as an edit. Made here rather than by the database:
/// each engine has its own words for it, and the text must be the same on both.
fn now() -> String {
    const STORED: &[time::format_description::BorrowedFormatItem<'_>] = time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second].[subsecond digits:3]"
    );
    time::OffsetDateTime::now_utc()
        .format(STORED)
        .unwrap_or_default()
}

diesel::define_sql_function! {
    /// Lower case, as the engine knows it: a board search ignores case the same way on its
    /// column and its words (SQLite's LIKE did so for ASCII; PostgreSQL's LIKE does not).
    fn lower(text: Text) -> Text;
}

/// A post as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = posts)]
pub struct Post {
    pub id: i32,
    pub category: String,
    pub title: String,
    pub body: String,
    pub author: String,
    pub password_hash: Option<String>,
    pub is_secret: bool,
    pub is_pinned: bool,
    pub status: String,
    pub product_id: Option<i32>,
    pub product_name: String,
    pub answer: String,
    pub answered_at: Option<String>,
    pub added_product_id: Option<i32>,
    pub view_count: i32,
    pub created_at: String,
    pub updated_at: String,
}

/// A post as a row of the list: no body, no answer text.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = posts)]
pub struct PostRow {
    pub id: i32,
    pub category: String,
    pub title: String,
    pub author: String,
    pub is_secret: bool,
    pub is_pinned: bool,
    pub status: String,
    pub view_count: i32,
    pub created_at: String,
    #[diesel(select_expression = posts::answer.ne(""))]
    #[diesel(select_expression_type = diesel::dsl::Ne<posts::answer, &'static str>)]
    pub answered: bool,
}

/// What an author writes, ready to store.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = posts)]
pub struct PostContent {
    pub category: String,
    pub title: String,
    pub body: String,
    pub author: String,
    pub is_secret: bool,
    pub product_id: Option<i32>,
    pub product_name: String,
}

/// Which posts a list page shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostFilter {
    /// Words to find, and where.
    pub search: Option<(SearchField, String)>,
    /// Whether the reader may search secret posts' text and author (the admin). Anyone else
    /// finds a secret post by its title only: otherwise the list would answer "does the
    /// hidden text hold 010-98…?" and rebuild it a character at a time.
    pub sees_secrets: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchField {
    TitleOrBody,
    Title,
    Body,
    Author,
}

impl SearchField {
    pub const ALL: [SearchField; 4] = [
        SearchField::TitleOrBody,
        SearchField::Title,
        SearchField::Body,
        SearchField::Author,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            SearchField::TitleOrBody => "all",
            SearchField::Title => "title",
            SearchField::Body => "body",
            SearchField::Author => "author",
        }
    }

    pub fn from_slug(slug: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|f| f.slug() == slug)
            .unwrap_or(SearchField::TitleOrBody)
    }

    /// Korean, English.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            SearchField::TitleOrBody => ("제목+내용", "Title & text"),
            SearchField::Title => ("제목", "Title"),
            SearchField::Body => ("내용", "Text"),
            SearchField::Author => ("작성자", "Author"),
        }
    }
}

/// One page of the list, and how many posts match in all.
pub struct PostsPage {
    pub rows: Vec<PostRow>,
    pub total: i64,
    /// The page shown: the one asked for, or the last one when it asked past the end.
    pub page: i64,
}

pub fn insert_post(
    conn: &mut Conn,
    content: &PostContent,
    password_hash: Option<&str>,
) -> QueryResult<i32> {
    // In its own transaction: alone, an INSERT … RETURNING commits only when the statement is
    // reset, after its row was read, and diesel does not check the reset, so a failed commit
    // (a full disk) came back as a new post's id although nothing was stored. A COMMIT
    // statement reports its failure.
    crate::db::write_transaction(conn, |conn| {
        let now = now();
        diesel::insert_into(posts::table)
            .values((
                content,
                posts::password_hash.eq(password_hash),
                posts::created_at.eq(&now),
                posts::updated_at.eq(&now),
            ))
            .returning(posts::id)
            .get_result(conn)
    })
}

pub fn find_post(conn: &mut Conn, id: i32) -> QueryResult<Option<Post>> {
    posts::table
        .find(id)
        .select(Post::as_select())
        .first(conn)
        .optional()
}

/// The pinned notices, newest first (shown on top of every list page).
pub fn pinned_posts(conn: &mut Conn) -> QueryResult<Vec<PostRow>> {
    posts::table
        .filter(posts::is_pinned.eq(true))
        .order(posts::id.desc())
        .select(PostRow::as_select())
        .load(conn)
}

/// Page `page` (from 1) of the posts matching `filter`, newest first; a page past the last is
/// the last (any number is safe: the offset is computed from the page that exists). Without a
/// search the pinned posts are left out (they are on top already); a search looks through all
/// posts.
pub fn posts_page(conn: &mut Conn, filter: &PostFilter, page: i64) -> QueryResult<PostsPage> {
    let matching = || {
        let mut query = posts::table.into_boxed();
        match &filter.search {
            None => query = query.filter(posts::is_pinned.eq(false)),
            Some((field, words)) => {
                let pattern = lower(format!("%{}%", escape_like(words)));
                let in_title = || lower(posts::title).like(pattern.clone()).escape('\\');
                let in_body = || lower(posts::body).like(pattern.clone()).escape('\\');
                let in_author = || lower(posts::author).like(pattern.clone()).escape('\\');
                let open = posts::is_secret.eq(false);
                query = match (field, filter.sees_secrets) {
                    (SearchField::Title, _) => query.filter(in_title()),
                    (SearchField::Body, true) => query.filter(in_body()),
                    (SearchField::Body, false) => query.filter(in_body().and(open)),
                    (SearchField::Author, true) => query.filter(in_author()),
                    (SearchField::Author, false) => query.filter(in_author().and(open)),
                    (SearchField::TitleOrBody, true) => query.filter(in_title().or(in_body())),
                    (SearchField::TitleOrBody, false) => {
                        query.filter(in_title().or(in_body().and(open)))
                    }
                };
            }
        }
        query
    };
    let total: i64 = matching().count().get_result(conn)?;
    let page = page.clamp(1, last_page(total));
    let rows = matching()
        .order(posts::id.desc())
        .limit(POSTS_PER_PAGE)
        .offset((page - 1) * POSTS_PER_PAGE)
        .select(PostRow::as_select())
        .load(conn)?;
    Ok(PostsPage { rows, total, page })
}

/// The number of the last list page for `total` posts (1 when there are none).
pub fn last_page(total: i64) -> i64 {
    (total.max(0) / POSTS_PER_PAGE + i64::from(total % POSTS_PER_PAGE > 0)).max(1)
}

/// `%`, `_` and `\` match themselves in a LIKE pattern escaped with `\`.
fn escape_like(words: &str) -> String {
    let mut escaped = String::with_capacity(words.len());
    for c in words.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// How long a visitor's view of a post counts once: a day. Views older than this are pruned.
pub const VIEW_WINDOW_MS: i64 = 24 * 60 * 60 * 1000;

/// Counts a view of post `id` by `viewer` (a digest of the visitor's cookie) once per
/// `VIEW_WINDOW_MS`. Returns whether it was counted.
///
/// A repeat view within the window is one read. A new one is written in a plain transaction,
/// not under the site's write lock (`db::write_transaction`): the post's row and the view's
/// own key are all it touches, and the insert that loses a race to the same view changes no
/// row. The post's views older than the window are dropped on the way; `prune_views` drops
/// every post's now and then.
pub fn record_view(conn: &mut Conn, id: i32, viewer: &str) -> QueryResult<bool> {
    let now = crate::security::tokens::unix_ms();
    let fresh_after = now.saturating_sub(VIEW_WINDOW_MS);
    let seen: Option<i64> = post_views::table
        .find((id, viewer))
        .select(post_views::seen_at_ms)
        .first(conn)
        .optional()?;
    if seen.is_some_and(|at| at > fresh_after) {
        return Ok(false);
    }
    let counted = conn.transaction(|conn| {
        diesel::delete(
            post_views::table
                .filter(post_views::post_id.eq(id))
                .filter(post_views::seen_at_ms.le(fresh_after)),
        )
        .execute(conn)?;
        let view = diesel::insert_into(post_views::table)
            .values((
                post_views::post_id.eq(id),
                post_views::viewer.eq(viewer),
                post_views::seen_at_ms.eq(now),
            ))
            .on_conflict_do_nothing();
        // Each engine's own connection: diesel's connection over both has no ON CONFLICT.
        let new = match conn {
            Conn::Sqlite(c) => view.execute(c)?,
            Conn::Postgres(c) => view.execute(c)?,
        };
        if new > 0 {
            diesel::update(posts::table.find(id))
                .set(posts::view_count.eq(posts::view_count + 1))
                .execute(conn)?;
        }
        Ok::<_, diesel::result::Error>(new > 0)
    })?;
    // About one counted view in a hundred clears every post's old views, on its own after
    // the commit: inside, it would hold other posts' rows while this one's is held.
    let mut coin = [0u8; 1];
    if counted && getrandom::fill(&mut coin).is_ok() && coin[0] < 3 {
        prune_views(conn)?;
    }
    Ok(counted)
}

/// Drops every view older than the counting window (the views of posts nobody opens again).
pub fn prune_views(conn: &mut Conn) -> QueryResult<usize> {
    let fresh_after = crate::security::tokens::unix_ms().saturating_sub(VIEW_WINDOW_MS);
    diesel::delete(post_views::table.filter(post_views::seen_at_ms.le(fresh_after))).execute(conn)
}

/// Replaces what the author wrote; the answer, status and views stay. Returns rows changed.
pub fn update_post(conn: &mut Conn, id: i32, content: &PostContent) -> QueryResult<usize> {
    diesel::update(posts::table.find(id))
        .set((content, posts::updated_at.eq(now())))
        .execute(conn)
}

pub fn delete_post(conn: &mut Conn, id: i32) -> QueryResult<usize> {
    diesel::delete(posts::table.find(id)).execute(conn)
}

/// The admin's decisions on a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moderation {
    pub status: String,
    pub is_pinned: bool,
    pub answer: String,
}

/// Sets status, pin and answer; `answered_at` moves only when the answer text changes.
pub fn moderate_post(conn: &mut Conn, id: i32, moderation: &Moderation) -> QueryResult<usize> {
    crate::db::write_transaction(conn, |conn| {
        let old_answer: Option<String> = posts::table
            .find(id)
            .select(posts::answer)
            .first(conn)
            .optional()?;
        let Some(old_answer) = old_answer else {
            return Ok(0);
        };
        if old_answer != moderation.answer {
            let answered_at = (!moderation.answer.is_empty()).then(now);
            diesel::update(posts::table.find(id))
                .set((
                    posts::answer.eq(&moderation.answer),
                    posts::answered_at.eq(answered_at),
                ))
                .execute(conn)?;
        }
        diesel::update(posts::table.find(id))
            .set((
                posts::status.eq(&moderation.status),
                posts::is_pinned.eq(moderation.is_pinned),
            ))
            .execute(conn)
    })
}

/// Links a product request to the product the admin added for it, and marks it done.
pub fn link_added_product(conn: &mut Conn, id: i32, product_id: i32) -> QueryResult<usize> {
    diesel::update(posts::table.find(id))
        .set((
            posts::added_product_id.eq(Some(product_id)),
            posts::status.eq("done"),
        ))
        .execute(conn)
}
