//! A post form as typed, and the post it describes once every field is valid.

use serde::Deserialize;

use super::fields::{AuthorName, PostBody, PostCategory, PostPassword, PostTitle};
use super::store::PostContent;
use crate::form::FieldErrors;

/// The post form's fields exactly as sent; kept to fill the form again when it is refused.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PostForm {
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub author: String,
    #[serde(default)]
    pub password: String,
    /// A checkbox: present ("on") when ticked.
    #[serde(default)]
    pub secret: Option<String>,
    /// The catalog product chosen, as its id.
    #[serde(default)]
    pub product_id: String,
    /// What the author typed to find the product.
    #[serde(default)]
    pub product: String,
}

/// A valid post: what is stored, and the password that will protect it.
#[derive(Debug, Clone)]
pub struct PostDraft {
    pub category: PostCategory,
    pub title: PostTitle,
    pub body: PostBody,
    pub author: AuthorName,
    pub is_secret: bool,
    /// `None` when no password is asked (the admin writing or editing).
    pub password: Option<PostPassword>,
}

/// Longest product name kept from the form.
pub const MAX_PRODUCT_NAME_CHARS: usize = 200;

impl PostDraft {
    /// Checks every field, collecting a message for each one that is wrong. The password is
    /// asked for a new post by a visitor; edits keep the password the post has.
    pub fn parse(
        form: &PostForm,
        by_admin: bool,
        asks_password: bool,
    ) -> Result<PostDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        let category = errors.take("category", PostCategory::parse(&form.category, by_admin));
        let title = errors.take("title", PostTitle::parse(&form.title));
        let body = errors.take("body", PostBody::parse(&form.body));
        let author = errors.take("author", AuthorName::parse(&form.author));
        let password = if asks_password {
            errors
                .take("password", PostPassword::parse(&form.password))
                .map(Some)
        } else {
            Some(None)
        };
        if form.product.chars().count() > MAX_PRODUCT_NAME_CHARS {
            errors.add(
                "product",
                crate::i18n::Message::new(
                    format!("제품명은 {MAX_PRODUCT_NAME_CHARS}자까지 쓸 수 있습니다."),
                    format!(
                        "The product name can have at most {MAX_PRODUCT_NAME_CHARS} characters."
                    ),
                ),
            );
        }
        match (category, title, body, author, password) {
            (Some(category), Some(title), Some(body), Some(author), Some(password))
                if errors.is_empty() =>
            {
                Ok(PostDraft {
                    category,
                    title,
                    body,
                    author,
                    is_secret: form.secret.is_some(),
                    password,
                })
            }
            _ => Err(errors),
        }
    }

    /// What is stored, with the product the post is about (an id from the catalog, or the
    /// name as typed when the catalog does not have it).
    pub fn content(&self, product_id: Option<i32>, product_name: &str) -> PostContent {
        PostContent {
            category: self.category.slug().to_string(),
            title: self.title.as_str().to_string(),
            body: self.body.as_str().to_string(),
            author: self.author.as_str().to_string(),
            is_secret: self.is_secret,
            product_id,
            product_name: if product_id.is_some() {
                String::new()
            } else {
                crate::text::squash_spaces(product_name)
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> PostForm {
        PostForm {
            category: "request".into(),
            title: "제품 추가 요청".into(),
            body: "추가해 주세요".into(),
            author: "민지".into(),
            password: "1234".into(),
            ..PostForm::default()
        }
    }

    #[test]
    fn a_complete_form_is_a_draft() {
        let draft = PostDraft::parse(&form(), false, true).unwrap();
        assert_eq!(draft.title.as_str(), "제품 추가 요청");
        assert!(draft.password.is_some());
        assert!(!draft.is_secret);
    }

    #[test]
    fn every_wrong_field_gets_its_own_message() {
        let wrong = PostForm {
            category: "notice".into(),
            title: String::new(),
            body: " ".into(),
            author: "x".repeat(51),
            password: "12".into(),
            ..PostForm::default()
        };
        let errors = PostDraft::parse(&wrong, false, true).unwrap_err();
        for field in ["category", "title", "body", "author", "password"] {
            assert!(errors.get(field).is_some(), "no message for {field}");
        }
    }

    #[test]
    fn an_edit_does_not_ask_the_password_again() {
        let draft = PostDraft::parse(
            &PostForm {
                password: String::new(),
                ..form()
            },
            false,
            false,
        )
        .unwrap();
        assert!(draft.password.is_none());
    }

    #[test]
    fn a_linked_product_replaces_the_typed_name() {
        let draft = PostDraft::parse(&form(), false, true).unwrap();
        assert_eq!(draft.content(Some(3), "typed").product_name, "");
        assert_eq!(
            draft.content(None, "  new   cream ").product_name,
            "new cream"
        );
    }
}
