//! The results form on a product page: what the person asked to narrow by, read from the
//! query string, with a message beside a field that cannot be used (input kept as typed).

use serde::Deserialize;

use crate::catalog::model::ProductSummary;
use crate::i18n::Message;
use crate::live_catalog::CatalogIndex;
use crate::similarity::Narrowing;

/// Names standing for "fragrance" and "alcohol" in the checkboxes; those the catalog holds
/// are left out.
const FRAGRANCE_NAMES: &str = "Fragrance, Parfum, Aroma, Flavor";
const ALCOHOL_NAMES: &str = "Alcohol Denat., Alcohol, Ethanol";
/// Longest "without" text read.
const MAX_WITHOUT_CHARS: usize = 200;

/// The form as typed. Without `filtered` (a first visit), the same category is on.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct NarrowingForm {
    #[serde(default)]
    filtered: Option<String>,
    #[serde(default)]
    pub same_category: Option<String>,
    #[serde(default)]
    pub other_brands: Option<String>,
    #[serde(default)]
    pub no_fragrance: Option<String>,
    #[serde(default)]
    pub no_alcohol: Option<String>,
    #[serde(default)]
    pub without: String,
    #[serde(default)]
    pub cheaper: Option<String>,
    #[serde(default)]
    pub max_price: String,
}

/// The form as the page shows it again.
#[derive(Debug, Default, Clone)]
pub struct NarrowingView {
    pub same_category: bool,
    pub other_brands: bool,
    pub no_fragrance: bool,
    pub no_alcohol: bool,
    pub without: String,
    pub cheaper: bool,
    pub max_price: String,
}

/// What the form asks, and the messages about what could not be used.
pub struct ReadNarrowing {
    pub narrowing: Narrowing,
    pub view: NarrowingView,
    pub without_note: Option<Message>,
    pub price_error: Option<Message>,
}

impl NarrowingForm {
    pub fn read(&self, index: &CatalogIndex, product: &ProductSummary) -> ReadNarrowing {
        let view = NarrowingView {
            same_category: self.filtered.is_none() || self.same_category.is_some(),
            other_brands: self.other_brands.is_some(),
            no_fragrance: self.no_fragrance.is_some(),
            no_alcohol: self.no_alcohol.is_some(),
            without: self.without.clone(),
            cheaper: self.cheaper.is_some() && product.price_cents.is_some(),
            max_price: self.max_price.clone(),
        };
        let mut narrowing = Narrowing {
            category: view.same_category.then(|| product.category.clone()),
            other_brand_than: view.other_brands.then(|| product.brand.clone()),
            ..Narrowing::default()
        };
        let mut unwanted = |names: &str| {
            let (known, unknown) = index.ingredients_named(names);
            narrowing.without.extend(known.iter().map(|i| i.id));
            unknown
        };
        if view.no_fragrance {
            unwanted(FRAGRANCE_NAMES);
        }
        if view.no_alcohol {
            unwanted(ALCOHOL_NAMES);
        }
        let typed: String = self.without.chars().take(MAX_WITHOUT_CHARS).collect();
        let unknown = if typed.trim().is_empty() {
            Vec::new()
        } else {
            unwanted(&typed)
        };
        let without_note = (!unknown.is_empty()).then(|| {
            let names = unknown.join(", ");
            Message::new(
                format!("카탈로그의 어느 제품에도 없는 성분입니다: {names}"),
                format!("No product in the catalog holds: {names}"),
            )
        });
        let mut price_error = None;
        let mut limit = None;
        if !self.max_price.trim().is_empty() {
            match parse_price(&self.max_price) {
                Some(cents) => limit = Some(cents),
                None => {
                    price_error = Some(Message::new(
                        "가격 상한은 0보다 큰 숫자로 입력해 주세요 (예: 25000 또는 25.50).",
                        "Please give the price limit as a number above 0 (e.g. 25000 or 25.50).",
                    ))
                }
            }
        }
        if view.cheaper {
            // "Cheaper than this product": strictly below its price.
            let below = product.price_cents.map(|p| p - 1);
            limit = match (limit, below) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        narrowing.max_price = limit.map(|cents| (cents, product.currency.clone()));
        ReadNarrowing {
            narrowing,
            view,
            without_note,
            price_error,
        }
    }
}

impl NarrowingView {
    /// The query string of this form as it stands with "other brands only" set to `on`: the
    /// one-click link between a product's most similar and those of other brands, every other
    /// condition kept.
    pub fn with_other_brands(&self, on: bool) -> String {
        let mut fields: Vec<(&str, &str)> = vec![("filtered", "1")];
        for (name, set) in [
            ("same_category", self.same_category),
            ("other_brands", on),
            ("no_fragrance", self.no_fragrance),
            ("no_alcohol", self.no_alcohol),
            ("cheaper", self.cheaper),
        ] {
            if set {
                fields.push((name, "on"));
            }
        }
        if !self.without.is_empty() {
            fields.push(("without", &self.without));
        }
        if !self.max_price.is_empty() {
            fields.push(("max_price", &self.max_price));
        }
        format!(
            "?{}",
            serde_urlencoded::to_string(fields).unwrap_or_default()
        )
    }
}

/// A price as typed (`25`, `25.50`, `₩30,000`, `$12`) in cents; `None` when it is not a
/// positive amount.
pub fn parse_price(raw: &str) -> Option<i32> {
    let digits: String = raw
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '₩' | '$' | '€' | '£' | '원'))
        .collect();
    let amount: f64 = digits.parse().ok()?;
    let cents = (amount * 100.0).round();
    (amount.is_finite() && cents >= 1.0 && cents <= f64::from(i32::MAX)).then_some(cents as i32)
}

#[cfg(test)]
mod tests {
    use super::{parse_price, NarrowingView};

    #[test]
    fn the_other_brands_link_keeps_every_other_condition() {
        let view = NarrowingView {
            same_category: true,
            no_alcohol: true,
            without: "향료, 알코올".into(),
            ..NarrowingView::default()
        };
        assert_eq!(
            view.with_other_brands(true),
            "?filtered=1&same_category=on&other_brands=on&no_alcohol=on&without=%ED%96%A5%EB%A3%8C%2C+%EC%95%8C%EC%BD%94%EC%98%AC"
        );
        assert_eq!(
            view.with_other_brands(false),
            "?filtered=1&same_category=on&no_alcohol=on&without=%ED%96%A5%EB%A3%8C%2C+%EC%95%8C%EC%BD%94%EC%98%AC"
        );
    }

    #[test]
    fn prices_are_read_as_people_type_them() {
        assert_eq!(parse_price("25"), Some(2500));
        assert_eq!(parse_price(" 25.50 "), Some(2550));
        assert_eq!(parse_price("₩30,000"), Some(3_000_000));
        assert_eq!(parse_price("$12"), Some(1200));
        assert_eq!(parse_price("3만원"), None);
    }

    #[test]
    fn nothing_but_a_positive_amount_is_a_price() {
        for bad in ["", "0", "-5", "abc", "NaN", "inf", "1e12", "0.001"] {
            assert_eq!(parse_price(bad), None, "{bad}");
        }
    }
}
