//! One formula and the products a shop lists for it: the product itself, and perhaps its mini,
//! its refill, several shades (the same base with other colourants) and a relaunch with an
//! ingredient or two changed. Their lists are near-duplicates, which is what makes "the 4 most
//! similar" hard to rank and what real catalogs are full of.

use crate::catalog::model::NewProduct;

use super::rng::{SeededRng, Weighted};
use super::shape::{bucket, CatalogShape, MarketShape};

/// Brand suffixes, so recombined brand words read like brands.
const WESTERN_BRAND_ENDINGS: &[&str] = &["", "", " Lab", " Skin", " Beauty", " Derm", " & Co"];
const KOREAN_BRAND_ENDINGS: &[&str] = &["", "", "랩", "스킨", "뷰티", "더마"];

/// Colourants a shade adds, as each market writes them.
const WESTERN_COLOURANTS: &[&str] = &[
    "Titanium Dioxide (CI 77891)",
    "Iron Oxides (CI 77491)",
    "Iron Oxides (CI 77492)",
    "Iron Oxides (CI 77499)",
    "Mica (CI 77019)",
    "Red 7 Lake (CI 15850)",
];
const KOREAN_COLOURANTS: &[&str] = &[
    "티타늄디옥사이드",
    "적색산화철",
    "황색산화철",
    "흑색산화철",
    "마이카",
    "적색227호",
];
const WESTERN_SHADES: &[&str] = &[
    "Ivory",
    "Porcelain",
    "Sand",
    "Beige",
    "Honey",
    "Golden",
    "Caramel",
    "Mocha",
    "Rose",
];
const KOREAN_SHADES: &[&str] = &[
    "라이트베이지",
    "바닐라",
    "내추럴베이지",
    "샌드",
    "허니",
    "로지",
];

/// The brands of a generated catalog, per market: a few big ones hold many products, many
/// small ones few (drawn with a skew toward the front of the list).
pub struct Brands {
    western: Vec<String>,
    korean: Vec<String>,
}

impl Brands {
    pub fn new(shape: &CatalogShape, products: usize, rng: &mut SeededRng) -> Self {
        let count = (products / 200).clamp(20, 5_000);
        Brands {
            western: make_brands(&shape.western, WESTERN_BRAND_ENDINGS, " ", count, rng),
            korean: make_brands(&shape.korean, KOREAN_BRAND_ENDINGS, "", count / 3 + 1, rng),
        }
    }

    fn draw(&self, korean: bool, rng: &mut SeededRng) -> String {
        let brands = if korean { &self.korean } else { &self.western };
        let range = rng.below(brands.len()) + 1;
        let skewed = rng.below(range);
        brands[skewed].clone()
    }
}

fn make_brands(
    market: &MarketShape,
    endings: &[&str],
    joiner: &str,
    count: usize,
    rng: &mut SeededRng,
) -> Vec<String> {
    let words = &market.brand_words;
    let mut brands: Vec<String> = Vec::with_capacity(count);
    let mut attempts = 0;
    while brands.len() < count && attempts < count * 20 {
        attempts += 1;
        let brand = if joiner.is_empty() {
            // Korean brands are one word: the start of one and the end of another.
            let start: String = rng.pick(words).chars().take(2).collect();
            let end: Vec<char> = rng.pick(words).chars().collect();
            let end: String = end[end.len().saturating_sub(2)..].iter().collect();
            format!("{start}{end}{}", rng.pick(endings))
        } else if rng.chance(0.5) {
            format!("{}{}", rng.pick(words), rng.pick(endings))
        } else {
            format!("{}{joiner}{}", rng.pick(words), rng.pick(words))
        };
        if !brands.contains(&brand) {
            brands.push(brand);
        }
    }
    brands
}

/// A formula and how it is named, before its members are listed.
pub struct Family {
    korean: bool,
    brand: String,
    name: String,
    category: String,
    list: Vec<String>,
    price_cents: Option<i32>,
}

impl Family {
    pub fn new(shape: &CatalogShape, brands: &Brands, korean: bool, rng: &mut SeededRng) -> Self {
        let market = if korean {
            &shape.korean
        } else {
            &shape.western
        };
        let template = rng.pick(&market.templates);
        let list = recombined_list(market, &template.list, rng)
            .into_iter()
            .map(|id| market.vocabulary[id as usize].clone())
            .collect();
        Family {
            korean,
            brand: brands.draw(korean, rng),
            name: product_name(market, &template.category, rng),
            category: template.category.clone(),
            list,
            price_cents: price(market, korean, rng),
        }
    }

    /// The products listed for this formula.
    pub fn members(&self, rng: &mut SeededRng) -> Vec<NewProduct> {
        let mut members = vec![self.product(&self.name, self.list.clone(), self.price_cents)];
        let scaled = |factor: f64| self.price_cents.map(|c| (c as f64 * factor) as i32);
        let sizes: &[(&str, f64)] = if self.korean {
            &[("미니", 0.4), ("대용량", 1.6), ("리필", 0.8)]
        } else {
            &[("Mini", 0.4), ("Jumbo", 1.6), ("Refill", 0.8)]
        };
        for (size, factor) in sizes {
            if rng.chance(0.2) {
                let name = format!("{} {size}", self.name);
                members.push(self.product(&name, self.list.clone(), scaled(*factor)));
            }
        }
        if rng.chance(if self.category == "makeup" { 0.3 } else { 0.03 }) {
            members.extend(self.shades(rng));
        }
        if rng.chance(0.1) {
            let name = if self.korean {
                format!("{} 리뉴얼", self.name)
            } else {
                format!("{} Advanced", self.name)
            };
            let list = self.relaunched_list(rng);
            members.push(self.product(&name, list, scaled(1.1)));
        }
        members
    }

    fn shades(&self, rng: &mut SeededRng) -> Vec<NewProduct> {
        let (colourants, shade_words) = if self.korean {
            (KOREAN_COLOURANTS, KOREAN_SHADES)
        } else {
            (WESTERN_COLOURANTS, WESTERN_SHADES)
        };
        (1..=2 + rng.below(4))
            .map(|number| {
                let shade = rng.pick(shade_words);
                let name = if self.korean {
                    format!("{} {}호 {shade}", self.name, 10 + number * 2)
                } else {
                    format!("{} - {number:02} {shade}", self.name)
                };
                let mut list = self.list.clone();
                for colourant in colourants {
                    if rng.chance(0.5) && !list.iter().any(|i| i == colourant) {
                        list.push(colourant.to_string());
                    }
                }
                self.product(&name, list, self.price_cents)
            })
            .collect()
    }

    /// The list with one or two ingredients in the second half swapped for others.
    fn relaunched_list(&self, rng: &mut SeededRng) -> Vec<String> {
        let mut list = self.list.clone();
        for _ in 0..1 + rng.below(2) {
            let at = list.len() / 2 + rng.below(list.len() - list.len() / 2);
            let other = rng.pick(&self.list).clone() + " Extract";
            if !list.contains(&other) {
                list[at] = other;
            }
        }
        list
    }

    fn product(&self, name: &str, list: Vec<String>, price_cents: Option<i32>) -> NewProduct {
        NewProduct {
            brand: self.brand.clone(),
            name: name.to_string(),
            category: self.category.clone(),
            price_cents,
            currency: match (price_cents, self.korean) {
                (None, _) => String::new(),
                (Some(_), true) => "KRW".to_string(),
                (Some(_), false) => "USD".to_string(),
            },
            aliases: Vec::new(),
            ingredients_raw: list.join(", "),
            source: String::new(),
        }
    }
}

/// A real list's opening (its defining first ingredients), continued the way real labels
/// continue: each next ingredient drawn from those that follow the previous one on real labels,
/// now and then from those found at that place on any label, to the length of a real list.
fn recombined_list(market: &MarketShape, template: &[u32], rng: &mut SeededRng) -> Vec<u32> {
    let kept = 1 + rng.below(template.len().min(5));
    let mut list: Vec<u32> = template[..kept].to_vec();
    let jitter = template.len() / 5;
    let length = (template.len() - jitter + rng.below(2 * jitter + 1)).max(3);
    while list.len() < length {
        let previous = *list.last().unwrap_or(&template[0]);
        let drawn = (0..8).find_map(|attempt| {
            let followers = &market.followers[previous as usize];
            let pool: &Weighted<u32> = if attempt < 6 && !followers.is_empty() && rng.chance(0.85) {
                followers
            } else {
                &market.at_position[bucket(list.len())]
            };
            pool.draw(rng).copied().filter(|id| !list.contains(id))
        });
        match drawn {
            Some(id) => list.push(id),
            None => break,
        }
    }
    list
}

/// One to three name words and a word names of this category end with.
fn product_name(market: &MarketShape, category: &str, rng: &mut SeededRng) -> String {
    let mut words: Vec<String> = Vec::new();
    for _ in 0..1 + rng.below(3) {
        if let Some(word) = market.name_words.draw(rng) {
            if !words.contains(word) {
                words.push(word.clone());
            }
        }
    }
    if let Some(last) = market.last_words.get(category).and_then(|w| w.draw(rng)) {
        words.push(last.clone());
    }
    words.join(" ")
}

fn price(market: &MarketShape, korean: bool, rng: &mut SeededRng) -> Option<i32> {
    if korean {
        // The Korean source has no prices: 5,000–80,000 won in hundreds.
        return Some((50 + rng.below(750) as i32) * 100 * 100);
    }
    if market.prices_cents.is_empty() {
        return None;
    }
    Some(*rng.pick(&market.prices_cents))
}
