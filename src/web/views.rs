//! What templates and the API show of the catalog: flat values built from the index.

use serde::Serialize;

use crate::catalog::category::category_label;
use crate::catalog::demo::DEMO_SOURCE;
use crate::catalog::model::{Ingredient, ProductSummary};
use crate::i18n::Texts;
use crate::live_catalog::{CatalogIndex, SimilarProduct};

/// An ingredient as a chip: its name, Korean name, functions, and whether it is shared.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = Ingredient)]
pub struct IngredientChip {
    /// The ingredient's id (its page is `/ingredients/{id}`).
    pub id: i32,
    /// Its INCI name.
    pub name: String,
    /// Its Korean standard name (KCIA), when it has one.
    pub name_ko: Option<String>,
    /// What it does in a formula (CosIng functions), when known.
    pub functions: Option<String>,
    #[serde(skip)]
    pub shared: bool,
}

impl IngredientChip {
    pub fn new(index: &CatalogIndex, ingredient: &Ingredient, shared: bool) -> Self {
        IngredientChip {
            id: ingredient.id,
            name: ingredient.name.clone(),
            name_ko: index
                .korean_name_of(ingredient)
                .filter(|ko| *ko != ingredient.name),
            functions: ingredient.functions.clone(),
            shared,
        }
    }
}

/// A product as a card or a heading.
#[derive(Debug, Clone)]
pub struct ProductView {
    pub id: i32,
    pub brand: String,
    pub name: String,
    pub category: String,
    pub price: Option<String>,
    pub aliases: Vec<String>,
    pub no_ingredients_reason: Option<String>,
    pub is_demo: bool,
}

impl ProductView {
    pub fn new(p: &ProductSummary) -> Self {
        ProductView {
            id: p.id,
            brand: p.brand.clone(),
            name: p.name.clone(),
            category: p.category.clone(),
            price: p.price_cents.map(|cents| format_price(cents, &p.currency)),
            aliases: p.aliases.clone(),
            no_ingredients_reason: p.no_ingredients_reason.clone(),
            is_demo: p.source == DEMO_SOURCE,
        }
    }
}

impl ProductView {
    pub fn category_label(&self, t: &Texts) -> &'static str {
        t.lang.pick(category_label(&self.category))
    }
}

pub fn format_price(cents: i32, currency: &str) -> String {
    match currency {
        "KRW" => format!("₩{}", group_thousands(cents as i64 / 100)),
        "USD" | "" => format!("${}.{:02}", cents / 100, cents % 100),
        other => format!("{}.{:02} {other}", cents / 100, cents % 100),
    }
}

fn group_thousands(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// How many shared ingredients a card shows before "외 N개" (the rest are one tap away): a
/// card stays short enough that the first one is in a phone's first screen.
const SHARED_ON_CARD: usize = 3;

/// A similar product: the card, its score and what it shares. Its own full list is one click
/// away (the compare page, or its product page), not carried in every card.
#[derive(Debug, Clone)]
pub struct SimilarCard {
    pub product: ProductView,
    pub percent: u32,
    /// The shared ingredients the card shows, the most telling first: all of them, or (beside
    /// a product, whose compare page lists the rest) the first `shared_shown`.
    pub shared: Vec<IngredientChip>,
    /// How many ingredients it shares in all.
    pub shared_count: usize,
    /// Every shared ingredient's id, for marking them in the query's own list.
    pub shared_ids: Vec<i32>,
    /// How many of `shared` a card shows before the rest are counted.
    pub shared_shown: usize,
    /// The other products with this formula (a Mini, a Refill): one card, "also sold as".
    pub also_sold_as: Vec<ProductView>,
}

impl SimilarCard {
    /// A card whose shared ingredients all unfold in place (after a pasted list).
    pub fn new(index: &CatalogIndex, found: &SimilarProduct) -> Self {
        Self::with_chips(index, found, found.shared.len())
    }

    /// A card beside a product: the rest of what it shares is on the compare page, so only
    /// the chips shown are made (a card shares 20 to 30 ingredients; their names were most
    /// of a product page's allocations).
    pub fn beside_product(index: &CatalogIndex, found: &SimilarProduct) -> Self {
        Self::with_chips(index, found, SHARED_ON_CARD)
    }

    fn with_chips(index: &CatalogIndex, found: &SimilarProduct, chips: usize) -> Self {
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
                .map(|i| IngredientChip::new(index, i, true))
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
