use crate::web::pages::frame::{framed_pages, Choice, PageFrame};
use crate::web::pages::head::{Head, Origin};
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::views::PostListItem;
use crate::board::store::{self, PostFilter, SearchField};
use crate::i18n::Message;
use crate::web::blocking::with_storage;
use crate::web::errors::{render, PageError};
use crate::web::PageContext;

/// Longest board search accepted.
const MAX_SEARCH_CHARS: usize = 100;
/// Page links shown around the current page.
const PAGE_LINKS: i64 = 10;

#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    #[serde(default)]
    page: String,
    #[serde(default)]
    field: String,
    #[serde(default)]
    q: String,
    /// What just happened (`deleted`), for a one-line notice.
    #[serde(default)]
    done: String,
}

pub struct PageLink {
    pub number: i64,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "board/list.html")]
struct BoardListPage {
    frame: PageFrame,
    pinned: Vec<PostListItem>,
    posts: Vec<PostListItem>,
    total: i64,
    page: i64,
    last_page: i64,
    page_links: Vec<PageLink>,
    fields: Vec<Choice>,
    field: &'static str,
    q: String,
    error: Option<Message>,
    notice: Option<Message>,
    is_admin: bool,
}
framed_pages!(BoardListPage);

impl BoardListPage {
    /// The query string for page `n` of the same search.
    fn page_href(&self, n: &i64) -> String {
        let mut pairs = vec![("page", n.to_string())];
        if !self.q.is_empty() {
            pairs.push(("field", self.field.to_string()));
            pairs.push(("q", self.q.clone()));
        }
        format!(
            "/board?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    }
}

pub async fn board_page(
    req: HttpRequest,
    PageContext(state, visitor, admin, lang): PageContext,
) -> Result<HttpResponse, PageError> {
    // Views of the posts listed here count from the visitor's first one.
    visitor.remember();
    // An unreadable query string is treated as no query: the list is still worth showing.
    let params = crate::web::lenient_query::<ListParams>(&req);
    // A number past i64 is past the last page too; `posts_page` shows the last one then.
    let asked = params.page.trim();
    let page = match asked.parse::<i64>() {
        Ok(page) => page.max(1),
        Err(_) if !asked.is_empty() && asked.bytes().all(|b| b.is_ascii_digit()) => i64::MAX,
        Err(_) => 1,
    };
    let field = SearchField::from_slug(&params.field);
    // Control characters are in no stored text, and PostgreSQL refuses a NUL in any: they
    // separate words like spaces.
    let words = crate::text::squash_spaces(&params.q.replace(char::is_control, " "));
    let mut error = None;
    let filter = if words.chars().count() > MAX_SEARCH_CHARS {
        error = Some(Message::new(
            format!("검색어는 {MAX_SEARCH_CHARS}자까지 쓸 수 있습니다."),
            format!("Search words can have at most {MAX_SEARCH_CHARS} characters."),
        ));
        PostFilter::default()
    } else if words.is_empty() {
        PostFilter::default()
    } else {
        PostFilter {
            search: Some((field, words.clone())),
            sees_secrets: admin.signed_in,
        }
    };
    let searching = filter.search.is_some();
    let (pinned, found) = with_storage(&state, move |conn| {
        let pinned = if searching {
            Vec::new()
        } else {
            store::pinned_posts(conn)?
        };
        Ok::<_, diesel::result::Error>((pinned, store::posts_page(conn, &filter, page)?))
    })
    .await?;
    let page = found.page;
    let last_page = store::last_page(found.total);
    let first_link = ((page - 1) / PAGE_LINKS) * PAGE_LINKS + 1;
    let page_links = (first_link..=(first_link + PAGE_LINKS - 1).min(last_page))
        .map(|number| PageLink {
            number,
            current: number == page,
        })
        .collect();
    let item = |row| PostListItem::new(row, lang);
    let canonical = match page {
        1 => "/board".to_string(),
        page => format!("/board?page={page}"),
    };
    render(&BoardListPage {
        frame: PageFrame::new(
            lang,
            Head::new(lang.texts().describe_board).canonical(&Origin::of(&req), &canonical),
        ),
        pinned: pinned.into_iter().map(item).collect(),
        posts: found.rows.into_iter().map(item).collect(),
        total: found.total,
        page,
        last_page,
        page_links,
        fields: SearchField::ALL
            .into_iter()
            .map(|f| Choice {
                slug: f.slug(),
                label: lang.pick(f.label()),
                selected: f == field,
            })
            .collect(),
        field: field.slug(),
        q: if error.is_some() { params.q } else { words },
        error,
        notice: match params.done.as_str() {
            "deleted" => Some(Message::new("글을 삭제했습니다.", "The post was deleted.")),
            _ => None,
        },
        is_admin: admin.signed_in,
    })
}
