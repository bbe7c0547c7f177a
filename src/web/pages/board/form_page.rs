//! The post form, for writing and editing alike: the values as typed, a message at each wrong
//! field, and the catalog products to choose from when the typed product name matches some.

use crate::web::pages::frame::{framed_pages, Choice, PageFrame};
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use askama::Template;

use crate::board::product_link::{ProductChoice, NOT_LISTED};
use crate::board::{PostCategory, PostForm};
use crate::form::FieldErrors;
use crate::i18n::{Lang, Message};
use crate::live_catalog::CatalogIndex;
use crate::web::errors::{render_with, PageError};
use crate::web::pages::head::Head;
use crate::web::views::ProductView;

#[derive(Template)]
#[template(path = "board/form.html")]
pub struct PostFormPage {
    pub frame: PageFrame,
    /// `None` for a new post.
    pub editing: Option<i32>,
    pub form: PostForm,
    pub errors: FieldErrors,
    /// A message for the whole form (a rate limit, a question about the product).
    pub message: Option<Message>,
    pub categories: Vec<Choice>,
    pub is_admin: bool,
    pub csrf: String,
    /// Lets an author who typed the right password save the edit.
    pub grant: String,
    pub linked_product: Option<ProductView<'static>>,
    pub product_choices: Vec<ProductView<'static>>,
    pub not_listed: &'static str,
}
framed_pages!(PostFormPage);

impl PostFormPage {
    pub fn new(form: PostForm, is_admin: bool, csrf: &str, lang: Lang) -> Self {
        let categories = PostCategory::ALL
            .into_iter()
            .filter(|c| is_admin || *c != PostCategory::Notice)
            .map(|c| Choice {
                slug: c.slug(),
                label: lang.pick(c.label()),
                selected: c.slug() == form.category,
            })
            .collect();
        PostFormPage {
            frame: PageFrame::new(lang, Head::new(lang.texts().describe_board_form)),
            editing: None,
            form,
            errors: FieldErrors::default(),
            message: None,
            categories,
            is_admin,
            csrf: csrf.to_string(),
            grant: String::new(),
            linked_product: None,
            product_choices: Vec::new(),
            not_listed: NOT_LISTED,
        }
    }

    /// Shows the product chosen, or the products to choose from.
    pub fn with_product(mut self, index: &CatalogIndex, choice: &ProductChoice) -> Self {
        match choice {
            ProductChoice::Linked(id) => {
                self.linked_product = index.product(*id).map(|p| ProductView::new(p).into_owned());
                self.form.product_id = id.to_string();
            }
            ProductChoice::Ask(ids) => {
                self.product_choices = ids
                    .iter()
                    .filter_map(|id| index.product(*id))
                    .map(|p| ProductView::new(p).into_owned())
                    .collect();
            }
            ProductChoice::Unlisted(_) | ProductChoice::NoProduct => {}
        }
        self
    }

    /// An existing post's form: one person's, behind a password, nothing for a search engine.
    pub fn editing(self, id: i32, grant: String) -> Self {
        PostFormPage {
            editing: Some(id),
            grant,
            frame: PageFrame::new(self.t.lang, Head::new(self.t.describe_board_form).noindex()),
            ..self
        }
    }

    pub fn render(&self, status: StatusCode) -> Result<HttpResponse, PageError> {
        render_with(status, self)
    }

    /// After a save failed: a database that cannot take the write now (503) shows this form
    /// again with its message and the input kept; any other failure is an error page.
    pub fn after_failed_save(self, error: PageError) -> Result<HttpResponse, PageError> {
        let Some(message) = error.unavailable_message() else {
            return Err(error);
        };
        PostFormPage {
            message: Some(message.clone()),
            ..self
        }
        .render(StatusCode::SERVICE_UNAVAILABLE)
    }
}
