//! What templates and the API show of the catalog: flat values built from the index.

use std::borrow::Cow;

use serde::Serialize;

use crate::catalog::category::category_label;
use crate::catalog::demo::DEMO_SOURCE;
use crate::catalog::model::{Ingredient, ProductSummary};
use crate::i18n::Texts;
use crate::live_catalog::SimilarProduct;

/// An ingredient as a chip: its name, Korean name, functions, and whether it is shared.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = Ingredient)]
pub struct IngredientChip<'a> {
    /// The ingredient's id (its page is `/ingredients/{id}`).
    pub id: i32,
    /// Its INCI name.
    pub name: &'a str,
    /// Its Korean standard name (KCIA), when it has one.
    pub name_ko: Option<&'a str>,
    /// What it does in a formula (CosIng functions), when known.
    pub functions: Option<&'a str>,
    #[serde(skip)]
    pub shared: bool,
}

impl<'a> IngredientChip<'a> {
    /// Borrowed from the catalog, not copied: a product page has 40 to 60 chips. The Korean
    /// name is the one the index stored when built (`CatalogIndex::build`).
    pub fn new(ingredient: &'a Ingredient, shared: bool) -> Self {
        IngredientChip {
            id: ingredient.id,
            name: &ingredient.name,
            name_ko: ingredient
                .name_ko
                .as_deref()
                .filter(|ko| *ko != ingredient.name),
            functions: ingredient.functions.as_deref(),
            shared,
        }
    }
}

/// A product as a card or a heading, borrowed from the catalog (a product page shows 5 to 10).
#[derive(Debug, Clone)]
pub struct ProductView<'a> {
    pub id: i32,
    pub brand: Cow<'a, str>,
    pub name: Cow<'a, str>,
    pub category: Cow<'a, str>,
    pub price: Option<String>,
    pub aliases: Cow<'a, [String]>,
    pub no_ingredients_reason: Option<Cow<'a, str>>,
    pub is_demo: bool,
}

impl<'a> ProductView<'a> {
    pub fn new(p: &'a ProductSummary) -> Self {
        ProductView {
            id: p.id,
            brand: Cow::Borrowed(&p.brand),
            name: Cow::Borrowed(&p.name),
            category: Cow::Borrowed(&p.category),
            price: p.price_cents.map(|cents| format_price(cents, &p.currency)),
            aliases: Cow::Borrowed(&p.aliases),
            no_ingredients_reason: p.no_ingredients_reason.as_deref().map(Cow::Borrowed),
            is_demo: p.source == DEMO_SOURCE,
        }
    }
}

impl ProductView<'_> {
    /// The view on its own, for a page that outlives the catalog snapshot it was made from
    /// (the board's, whose posts are read in a blocking call).
    pub fn into_owned(self) -> ProductView<'static> {
        ProductView {
            id: self.id,
            brand: Cow::Owned(self.brand.into_owned()),
            name: Cow::Owned(self.name.into_owned()),
            category: Cow::Owned(self.category.into_owned()),
            price: self.price,
            aliases: Cow::Owned(self.aliases.into_owned()),
            no_ingredients_reason: self
                .no_ingredients_reason
                .map(|reason| Cow::Owned(reason.into_owned())),
            is_demo: self.is_demo,
        }
    }

    pub fn category_label(&self, t: &Texts) -> &'static str {
        t.lang.pick(category_label(&self.category))
    }
}

/// A price as shown: `$20.00`, `₩32,000`, `12.50 EUR`. Written digit by digit rather than
/// through `format!`: a product page shows 5 to 10 prices, and the formatter was a thousand
/// instructions each.
pub fn format_price(cents: i32, currency: &str) -> String {
    let mut out = String::with_capacity(16);
    let (whole, part) = (cents.unsigned_abs() / 100, cents.unsigned_abs() % 100);
    if cents < 0 {
        out.push('-');
    }
    match currency {
        "KRW" => {
            out.push('₩');
            push_grouped(&mut out, whole);
        }
        "USD" | "" => {
            out.push('$');
            push_with_cents(&mut out, whole, part);
        }
        other => {
            push_with_cents(&mut out, whole, part);
            out.push(' ');
            out.push_str(other);
        }
    }
    out
}

fn push_with_cents(out: &mut String, whole: u32, part: u32) {
    push_grouped_by(out, whole, false);
    out.push('.');
    out.push(char::from(b'0' + (part / 10) as u8));
    out.push(char::from(b'0' + (part % 10) as u8));
}

/// `n` with a comma between each group of three digits.
fn push_grouped(out: &mut String, n: u32) {
    push_grouped_by(out, n, true);
}

fn push_grouped_by(out: &mut String, n: u32, commas: bool) {
    let mut digits = [0u8; 10];
    let mut count = 0;
    let mut rest = n;
    loop {
        digits[count] = b'0' + (rest % 10) as u8;
        count += 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for i in (0..count).rev() {
        out.push(char::from(digits[i]));
        if commas && i > 0 && i % 3 == 0 {
            out.push(',');
        }
    }
}

/// How many shared ingredients a card shows before "외 N개" (the rest are one tap away): a
/// card stays short enough that the first one is in a phone's first screen.
const SHARED_ON_CARD: usize = 3;

/// A similar product: the card, its score and what it shares. Its own full list is one click
/// away (the compare page, or its product page), not carried in every card.
#[derive(Debug, Clone)]
pub struct SimilarCard<'a> {
    pub product: ProductView<'a>,
    pub percent: u32,
    /// The shared ingredients the card shows, the most telling first: all of them, or (beside
    /// a product, whose compare page lists the rest) the first `shared_shown`.
    pub shared: Vec<IngredientChip<'a>>,
    /// How many ingredients it shares in all.
    pub shared_count: usize,
    /// Every shared ingredient's id, for marking them in the query's own list.
    pub shared_ids: Vec<i32>,
    /// How many of `shared` a card shows before the rest are counted.
    pub shared_shown: usize,
    /// The other products with this formula (a Mini, a Refill): one card, "also sold as".
    pub also_sold_as: Vec<ProductView<'a>>,
}

impl<'a> SimilarCard<'a> {
    /// A card whose shared ingredients all unfold in place (after a pasted list).
    pub fn new(found: &SimilarProduct<'a>) -> Self {
        Self::with_chips(found, found.shared.len())
    }

    /// A card beside a product: the rest of what it shares is on the compare page, so only
    /// the chips shown are made (a card shares 20 to 30 ingredients; their names were most
    /// of a product page's allocations).
    pub fn beside_product(found: &SimilarProduct<'a>) -> Self {
        Self::with_chips(found, SHARED_ON_CARD)
    }

    fn with_chips(found: &SimilarProduct<'a>, chips: usize) -> Self {
        SimilarCard {
            product: ProductView::new(found.product),
            percent: percent(found.score),
            shared_count: found.shared.len(),
            shared_ids: found.shared.iter().map(|i| i.id).collect(),
            shared_shown: SHARED_ON_CARD.min(found.shared.len()),
            shared: found
                .shared
                .iter()
                .take(chips)
                .map(|i| IngredientChip::new(i, true))
                .collect(),
            also_sold_as: found
                .same_formula
                .iter()
                .map(|p| ProductView::new(p))
                .collect(),
        }
    }

    pub fn shared_hidden(&self) -> usize {
        self.shared_count - self.shared_shown
    }
}

/// The ingredients any of the cards shares with the query: marked in the query's own list.
pub fn shared_ids(cards: &[SimilarCard]) -> rustc_hash::FxHashSet<i32> {
    cards
        .iter()
        .flat_map(|card| card.shared_ids.iter().copied())
        .collect()
}

/// A score in 0..=1 as a whole percentage.
pub fn percent(score: f32) -> u32 {
    (score * 100.0).round().clamp(0.0, 100.0) as u32
}

#[cfg(test)]
mod tests {
    use super::format_price;

    #[test]
    fn prices_are_written_as_in_their_currency() {
        assert_eq!(format_price(0, "USD"), "$0.00");
        assert_eq!(format_price(5, "USD"), "$0.05");
        assert_eq!(format_price(2000, ""), "$20.00");
        assert_eq!(format_price(123_456_789, "USD"), "$1234567.89");
        assert_eq!(format_price(1250, "EUR"), "12.50 EUR");
        assert_eq!(format_price(3_200_000, "KRW"), "₩32,000");
        assert_eq!(format_price(99_900, "KRW"), "₩999");
        assert_eq!(format_price(100_000_000, "KRW"), "₩1,000,000");
        assert_eq!(format_price(i32::MAX, "KRW"), "₩21,474,836");
        assert_eq!(format_price(-150, "USD"), "-$1.50");
    }
}
