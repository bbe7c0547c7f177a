//! What real catalogs look like, learned from the public datasets at run time: the ingredient
//! vocabulary with how often each follows another (which gives frequencies, list lengths and
//! position patterns together), the words product names and brands are made of, and prices.
//! Nothing learned here is stored in the repository; the generator recombines it.

use std::collections::HashMap;
use std::path::Path;

use crate::catalog::import::{read_contents, FileContents};
use crate::catalog::model::NewProduct;
use crate::ingredients::{parse_label, Resolver};

use super::rng::Weighted;

/// The Western (INCI) sources and the Korean (전성분) one, relative to the data folder.
const WESTERN_FILES: &[&str] = &["sephora_cosmetics_1472.csv", "sephora_product_info.csv"];
const KOREAN_FILES: &[&str] = &["oliveyoung_kr_skincare_1252.csv"];

/// Ingredients after this place share one position bucket.
const POSITION_BUCKETS: usize = 40;

/// One real list, as ids into the vocabulary, with its product's category.
#[derive(Debug, Clone)]
pub struct Template {
    pub category: String,
    pub list: Vec<u32>,
}

/// The shape of one market's catalog (Western INCI labels, or Korean ones).
#[derive(Debug)]
pub struct MarketShape {
    /// Ingredient names as a label writes them.
    pub vocabulary: Vec<String>,
    pub templates: Vec<Template>,
    /// Per ingredient: which ingredient follows it on real labels, by count.
    pub followers: Vec<Weighted<u32>>,
    /// Per position bucket: which ingredients stand there, by count.
    pub at_position: Vec<Weighted<u32>>,
    pub name_words: Weighted<String>,
    /// Per category: the words names end with (`Cream`, `토너`).
    pub last_words: HashMap<String, Weighted<String>>,
    /// Words brands are made of.
    pub brand_words: Vec<String>,
    /// Real prices, in cents; empty when the source has none.
    pub prices_cents: Vec<i32>,
}

/// Both markets.
#[derive(Debug)]
pub struct CatalogShape {
    pub western: MarketShape,
    pub korean: MarketShape,
}

impl CatalogShape {
    /// Learns the shape from the datasets in `data_dir` (`../shared/data`).
    pub fn learn(data_dir: &Path) -> Result<Self, String> {
        let resolver = Resolver::builtin();
        // Western names are written the way the resolver shows them, so `Water\Aqua\Eau` and
        // `WATER` are one vocabulary entry; Korean ones as the label wrote them.
        let western = MarketShape::learn(&read_products(data_dir, WESTERN_FILES)?, |name| {
            resolver.resolve(name).name
        })?;
        let korean = MarketShape::learn(&read_products(data_dir, KOREAN_FILES)?, |name| {
            name.to_string()
        })?;
        Ok(CatalogShape { western, korean })
    }
}

fn read_products(data_dir: &Path, files: &[&str]) -> Result<Vec<NewProduct>, String> {
    let mut all = Vec::new();
    for file in files {
        let path = data_dir.join(file);
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("{shown}: cannot read the dataset: {e}"))?;
        match read_contents(&shown, &text).map_err(|e| e.to_string())? {
            FileContents::Products { products, .. } => all.extend(products),
            FileContents::References { .. } => {
                return Err(format!("{shown}: not a product catalog"));
            }
        }
    }
    Ok(all)
}

impl MarketShape {
    fn learn(products: &[NewProduct], spell: impl Fn(&str) -> String) -> Result<Self, String> {
        let mut ids: HashMap<String, u32> = HashMap::new();
        let mut vocabulary = Vec::new();
        let mut templates = Vec::new();
        for product in products {
            let names = parse_label(&product.ingredients_raw);
            let mut list: Vec<u32> = Vec::new();
            for name in names.names() {
                let spelled = spell(name);
                let next = vocabulary.len() as u32;
                let id = *ids.entry(spelled.clone()).or_insert(next);
                if id == next {
                    vocabulary.push(spelled);
                }
                if !list.contains(&id) {
                    list.push(id);
                }
            }
            if list.len() >= 3 {
                templates.push(Template {
                    category: product.category.clone(),
                    list,
                });
            }
        }
        if templates.is_empty() {
            return Err("the datasets hold no ingredient lists to learn from".to_string());
        }
        let mut follower_counts: Vec<HashMap<u32, u64>> = vec![HashMap::new(); vocabulary.len()];
        let mut position_counts: Vec<HashMap<u32, u64>> = vec![HashMap::new(); POSITION_BUCKETS];
        for template in &templates {
            for (position, pair) in template.list.windows(2).enumerate() {
                *follower_counts[pair[0] as usize]
                    .entry(pair[1])
                    .or_default() += 1;
                *position_counts[bucket(position + 1)]
                    .entry(pair[1])
                    .or_default() += 1;
            }
            *position_counts[0].entry(template.list[0]).or_default() += 1;
        }
        Ok(MarketShape {
            vocabulary,
            templates,
            followers: follower_counts.into_iter().map(sorted_weighted).collect(),
            at_position: position_counts.into_iter().map(sorted_weighted).collect(),
            name_words: sorted_weighted(count_words(products.iter().flat_map(|p| {
                let words = name_words(&p.name);
                let keep = words.len().saturating_sub(1);
                words.into_iter().take(keep)
            }))),
            last_words: last_words(products),
            brand_words: brand_words(products),
            prices_cents: products.iter().filter_map(|p| p.price_cents).collect(),
        })
    }
}

/// The position bucket of a 0-based place on a label.
pub fn bucket(position: usize) -> usize {
    position.min(POSITION_BUCKETS - 1)
}

/// In a fixed order (counts, then the item), so a seed gives the same catalog every run.
fn sorted_weighted<T: Ord + std::hash::Hash>(counts: HashMap<T, u64>) -> Weighted<T> {
    let mut pairs: Vec<(T, u64)> = counts.into_iter().collect();
    pairs.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Weighted::new(pairs)
}

fn count_words(words: impl Iterator<Item = String>) -> HashMap<String, u64> {
    let mut counts = HashMap::new();
    for word in words {
        *counts.entry(word).or_default() += 1;
    }
    counts
}

/// The words of a product name worth reusing: letters only (no sizes, shade numbers or marks).
fn name_words(name: &str) -> Vec<String> {
    name.split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().count() >= 2 && w.chars().all(char::is_alphabetic))
        .map(str::to_string)
        .collect()
}

fn last_words(products: &[NewProduct]) -> HashMap<String, Weighted<String>> {
    let mut by_category: HashMap<String, HashMap<String, u64>> = HashMap::new();
    for product in products {
        if let Some(last) = name_words(&product.name).pop() {
            *by_category
                .entry(product.category.clone())
                .or_default()
                .entry(last)
                .or_default() += 1;
        }
    }
    by_category
        .into_iter()
        .map(|(category, counts)| (category, sorted_weighted(counts)))
        .collect()
}

fn brand_words(products: &[NewProduct]) -> Vec<String> {
    let mut words: Vec<String> = products
        .iter()
        .flat_map(|p| name_words(&p.brand))
        .filter(|w| w.chars().count() >= 2)
        .collect();
    words.sort();
    words.dedup();
    words
}
