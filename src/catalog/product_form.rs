//! The admin's product form: the fields as typed, and the product they describe once valid.

use serde::Deserialize;

use super::category::CATEGORIES;
use super::model::NewProduct;
use crate::form::{multi_line, one_line, FieldErrors};
use crate::i18n::Message;
use crate::ingredients::{parse_label, LabelText};

/// Where products the admin adds come from.
pub const ADMIN_SOURCE: &str = "admin";
/// Most other names (a Korean name, a short name) a product may have.
pub const MAX_ALIASES: usize = 10;

/// The fields exactly as sent; kept to fill the form again when it is refused.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProductForm {
    #[serde(default)]
    pub brand: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub ingredients: String,
    /// Other names, one per line; the first is usually the Korean name.
    #[serde(default)]
    pub aliases: String,
    /// The request post this product answers, if any.
    #[serde(default)]
    pub post: String,
}

/// What the form says a product is. Price and source are not on the form: an edit keeps the
/// stored ones, an addition has none and comes from the admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductDraft {
    pub brand: String,
    pub name: String,
    pub category: String,
    pub aliases: Vec<String>,
    pub ingredients_raw: String,
}

impl ProductDraft {
    pub fn parse(form: &ProductForm) -> Result<ProductDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        let brand = errors.take("brand", one_line(&form.brand, ("브랜드", "brand"), 1, 100));
        let name = errors.take(
            "name",
            one_line(&form.name, ("제품명", "product name"), 1, 200),
        );
        if !CATEGORIES.contains(&form.category.as_str()) {
            errors.add(
                "category",
                Message::new("분류를 골라 주세요.", "Please choose a category."),
            );
        }
        let ingredients = errors.take(
            "ingredients",
            multi_line(&form.ingredients, ("전성분", "ingredient list"), 1, 20_000),
        );
        if let Some(text) = &ingredients {
            if !matches!(parse_label(text), LabelText::Ingredients(ref names) if !names.is_empty())
            {
                errors.add(
                    "ingredients",
                    Message::new(
                        "전성분에서 성분을 읽지 못했습니다. 쉼표로 구분해 주세요.",
                        "No ingredient could be read; separate them with commas.",
                    ),
                );
            }
        }
        let aliases: Vec<String> = form
            .aliases
            .lines()
            .map(crate::text::squash_spaces)
            .filter(|a| !a.is_empty())
            .collect();
        if aliases.len() > MAX_ALIASES || aliases.iter().any(|a| a.chars().count() > 200) {
            errors.add(
                "aliases",
                Message::new(
                    format!("다른 이름은 {MAX_ALIASES}개까지, 하나에 200자까지 쓸 수 있습니다."),
                    format!("At most {MAX_ALIASES} other names of 200 characters each."),
                ),
            );
        }
        match (brand, name, ingredients) {
            (Some(brand), Some(name), Some(ingredients_raw)) if errors.is_empty() => {
                Ok(ProductDraft {
                    brand,
                    name,
                    category: form.category.clone(),
                    aliases,
                    ingredients_raw,
                })
            }
            _ => Err(errors),
        }
    }

    /// The product to store, with the price and source it keeps (or none, from the admin).
    pub fn into_product(
        self,
        price_cents: Option<i32>,
        currency: String,
        source: String,
    ) -> NewProduct {
        NewProduct {
            brand: self.brand,
            name: self.name,
            category: self.category,
            price_cents,
            currency,
            aliases: self.aliases,
            ingredients_raw: self.ingredients_raw,
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ProductForm {
        ProductForm {
            brand: "Dewdrop Lab".into(),
            name: "Barrier Cream".into(),
            category: "moisturizer".into(),
            ingredients: "Water, Glycerin, Ceramide NP".into(),
            aliases: "듀드롭 배리어 크림\n\n".into(),
            post: String::new(),
        }
    }

    #[test]
    fn a_complete_form_is_a_product() {
        let draft = ProductDraft::parse(&form()).unwrap();
        assert_eq!(draft.aliases, ["듀드롭 배리어 크림"]);
        let product = draft.into_product(None, String::new(), ADMIN_SOURCE.into());
        assert_eq!(product.source, "admin");
    }

    #[test]
    fn each_missing_field_is_named() {
        let errors = ProductDraft::parse(&ProductForm::default()).unwrap_err();
        for field in ["brand", "name", "category", "ingredients"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
    }

    #[test]
    fn an_unreadable_list_is_refused() {
        let errors = ProductDraft::parse(&ProductForm {
            ingredients: "No Info".into(),
            ..form()
        })
        .unwrap_err();
        assert!(errors.get("ingredients").is_some());
    }
}
