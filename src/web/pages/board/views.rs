//! What board pages show of posts: flat values built from stored rows.

use time::macros::format_description;
use time::{Duration, PrimitiveDateTime};

use crate::board::body::{body_parts, BodyPart};
use crate::board::store::{Post, PostRow};
use crate::board::{PostCategory, PostStatus};
use crate::i18n::Lang;
use crate::live_catalog::CatalogIndex;
use crate::web::views::ProductView;

/// A stored UTC time (`YYYY-MM-DD HH:MM:SS[.SSS]`) as Korean time, `YYYY-MM-DD HH:MM`; the stored
/// text itself if it cannot be read.
pub fn korean_time(stored: &str) -> String {
    let stored_form = format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second][optional [.[subsecond]]]"
    );
    let shown_form = format_description!("[year]-[month]-[day] [hour]:[minute]");
    PrimitiveDateTime::parse(stored, stored_form)
        .ok()
        .and_then(|utc| (utc + Duration::hours(9)).format(shown_form).ok())
        .unwrap_or_else(|| stored.to_string())
}

fn category_label(slug: &str, lang: Lang) -> &'static str {
    lang.pick(
        PostCategory::from_slug(slug)
            .unwrap_or(PostCategory::Question)
            .label(),
    )
}

pub struct StatusView {
    pub slug: &'static str,
    pub label: &'static str,
}

impl StatusView {
    fn of(slug: &str, lang: Lang) -> Self {
        let status = PostStatus::from_slug(slug).unwrap_or(PostStatus::Received);
        StatusView {
            slug: status.slug(),
            label: lang.pick(status.label()),
        }
    }
}

/// A row of the list.
pub struct PostListItem {
    pub id: i32,
    pub category: &'static str,
    pub title: String,
    pub author: String,
    pub date: String,
    pub view_count: i32,
    pub status: StatusView,
    pub is_secret: bool,
    pub is_pinned: bool,
    pub answered: bool,
}

impl PostListItem {
    pub fn new(row: PostRow, lang: Lang) -> Self {
        let mut date = korean_time(&row.created_at);
        date.truncate("YYYY-MM-DD".len());
        PostListItem {
            id: row.id,
            category: category_label(&row.category, lang),
            status: StatusView::of(&row.status, lang),
            title: row.title,
            author: row.author,
            date,
            view_count: row.view_count,
            is_secret: row.is_secret,
            is_pinned: row.is_pinned,
            answered: row.answered,
        }
    }
}

/// A post as its page shows it.
pub struct PostView {
    pub id: i32,
    pub category_slug: String,
    pub category: &'static str,
    pub title: String,
    pub author: String,
    pub written: String,
    /// When the post was changed after it was written.
    pub edited: Option<String>,
    pub view_count: i32,
    pub status: StatusView,
    pub is_secret: bool,
    pub is_pinned: bool,
    pub body: Vec<BodyPart>,
    /// The raw answer (for the admin's form) and as shown.
    pub answer_text: String,
    pub answer: Vec<BodyPart>,
    pub answered_at: Option<String>,
    pub product: Option<ProductView<'static>>,
    pub product_name: String,
    pub added_product: Option<ProductView<'static>>,
}

impl PostView {
    pub fn new(post: Post, index: &CatalogIndex, lang: Lang) -> Self {
        let product_view = |id: Option<i32>| {
            id.and_then(|id| index.product(id))
                .map(|p| ProductView::new(p).into_owned())
        };
        PostView {
            id: post.id,
            category: category_label(&post.category, lang),
            category_slug: post.category,
            title: post.title,
            author: post.author,
            written: korean_time(&post.created_at),
            edited: (post.updated_at != post.created_at).then(|| korean_time(&post.updated_at)),
            view_count: post.view_count,
            status: StatusView::of(&post.status, lang),
            is_secret: post.is_secret,
            is_pinned: post.is_pinned,
            body: body_parts(&post.body),
            answer: body_parts(&post.answer),
            answer_text: post.answer,
            answered_at: post.answered_at.as_deref().map(korean_time),
            product: product_view(post.product_id),
            product_name: post.product_name,
            added_product: product_view(post.added_product_id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_korea_time() {
        assert_eq!(korean_time("2026-11-24 20:30:00"), "2026-11-25 05:30");
        assert_eq!(korean_time("2026-12-31 15:00:59.123"), "2027-01-01 00:00");
        assert_eq!(korean_time("soon"), "soon");
    }
}
