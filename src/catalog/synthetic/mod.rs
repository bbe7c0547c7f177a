//! Large, realistic, reproducible catalogs for benchmarks (`seongbun gen-catalog`): real list
//! shapes recombined (`shape`), in families of near-duplicates the way shops list products
//! (a product, its mini and refill, its shades, its relaunch), with names and brands made of
//! real name words so that typo search has lookalikes to tell apart.

mod family;
mod rng;
mod rows;
mod shape;

use std::collections::HashSet;
use std::io::Write;

pub use rng::SeededRng;
pub use rows::catalog_rows;
pub use shape::CatalogShape;

use crate::catalog::model::NewProduct;
use family::Family;

/// The share of Korean products (Korean labels, brands and names).
const KOREAN_SHARE: f64 = 0.25;

/// Generates `count` products from `shape`; the same seed gives the same products.
pub fn generate(shape: &CatalogShape, count: usize, seed: u64) -> Vec<NewProduct> {
    let mut rng = SeededRng::new(seed);
    let brands = family::Brands::new(shape, count, &mut rng);
    let mut taken: HashSet<(String, String)> = HashSet::with_capacity(count);
    let mut products = Vec::with_capacity(count);
    while products.len() < count {
        let korean = rng.chance(KOREAN_SHARE);
        let family = Family::new(shape, &brands, korean, &mut rng);
        for product in family.members(&mut rng) {
            if products.len() == count {
                break;
            }
            if let Some(product) = unique(product, &mut taken) {
                products.push(product);
            }
        }
    }
    products
}

/// The product, renamed with a number when its brand already has one of that name.
fn unique(mut product: NewProduct, taken: &mut HashSet<(String, String)>) -> Option<NewProduct> {
    let base = product.name.clone();
    for number in 2..100 {
        if taken.insert((product.brand.clone(), product.name.clone())) {
            return Some(product);
        }
        product.name = format!("{base} No.{number}");
    }
    None
}

/// Writes products in seongbun's generic import format
/// (`brand,name,category,ingredients,price,currency,aliases`).
pub fn write_csv(products: &[NewProduct], out: impl Write) -> csv::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record([
        "brand",
        "name",
        "category",
        "ingredients",
        "price",
        "currency",
        "aliases",
    ])?;
    for p in products {
        let price = p
            .price_cents
            .map(|cents| format!("{}.{:02}", cents / 100, cents % 100))
            .unwrap_or_default();
        writer.write_record([
            p.brand.as_str(),
            &p.name,
            &p.category,
            &p.ingredients_raw,
            &price,
            &p.currency,
            &p.aliases.join("|"),
        ])?;
    }
    writer.flush()?;
    Ok(())
}
