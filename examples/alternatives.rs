//! How usable the 4 similar products are as alternatives, on the real catalogs: how many slots
//! hold the product's own brand, how often all 4 do, how many repeat a formula (the product's
//! own twin, or another result's), and how much of the scores comes from trace ingredients
//! (below a label's first preservative, chelator or fragrance: `similarity::weights`).
//! BENCHMARKS.md ("Alternatives") reports its output.
//!
//! ```sh
//! cargo run --release --example alternatives              # ../shared/data
//! cargo run --release --example alternatives -- DATA_DIR  # another copy of the datasets
//! ```
//!
//! It imports the Sephora 1,472 and Olive Young catalogs and the KCIA dictionary into a
//! SQLite file in a temporary directory (as a new user would, with `seongbun import`), then
//! asks every product with a list for its 4 most similar, as the API does: once as served
//! (trace amounts weighed down), once with every ingredient weighed as the base is (as before
//! the trace line), each for all brands and for other brands only.

use seongbun::catalog::model::ProductSummary;
use seongbun::live_catalog::CatalogIndex;
use seongbun::similarity::narrowing::same_brand;
use seongbun::similarity::SimilarityIndex;

const FILES: [&str; 4] = [
    "sephora_cosmetics_1472.csv",
    "oliveyoung_kr_skincare_1252.csv",
    "kcia_ingredient_dict_ko_en.csv",
    "kcia_ko_name_variants.json",
];

/// Products shown side by side at the end: brands whose trace signature or sizes used to
/// fill the 4 slots, and a Korean label.
const SHOWN: [(&str, &str); 4] = [
    ("LANEIGE", "Water Sleeping Mask"),
    (
        "SHISEIDO",
        "Ultimate Sun Protection Lotion WetForce SPF 50+",
    ),
    ("DRUNK ELEPHANT", "Protini"),
    ("아누아", "어성초 77 히알루론 수분 진정 토너"),
];

fn main() {
    let data = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/data".to_string());
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = dir.path().join("alternatives.db");
    let pool = seongbun::db::open(url.to_str().expect("a UTF-8 path")).expect("the database");
    let mut conn = pool.get().expect("a connection");
    for file in FILES {
        let path = format!("{data}/{file}");
        seongbun::catalog::import::import_file(&mut conn, &path)
            .unwrap_or_else(|e| panic!("importing {path}: {e}"));
    }
    let catalog = CatalogIndex::load(&mut conn).expect("the catalog");
    let mut products: Vec<&ProductSummary> = catalog.products().iter().collect();
    products.sort_by(|a, b| (&a.brand, &a.name, a.id).cmp(&(&b.brand, &b.name, b.id)));
    // The same lists in the same order, no ingredient marking trace amounts.
    let untraced = SimilarityIndex::build(products.iter().map(|p| {
        (
            p.id,
            catalog
                .similarity()
                .ingredients_of(p.id)
                .collect::<Vec<_>>(),
        )
    }));
    let served = catalog.similarity();
    println!(
        "{} products, {} with a list, {} distinct formulas",
        products.len(),
        products
            .iter()
            .filter(|p| served.ingredients_of(p.id).next().is_some())
            .count(),
        served.formula_count()
    );
    for (label, index) in [
        (
            "every ingredient weighed alike (before the trace line)",
            &untraced,
        ),
        ("trace amounts weighed down (served)", served),
    ] {
        for other_brands in [false, true] {
            let brands = if other_brands {
                "other brands only (other_brands=true)"
            } else {
                "all brands (the default)"
            };
            println!("\n## {label}, {brands}\n");
            report(&catalog, index, &untraced, other_brands).print();
        }
    }
    println!("\n## Side by side: every ingredient weighed alike, then as served\n");
    for (brand, name) in SHOWN {
        side_by_side(&catalog, &untraced, brand, name);
    }
}

#[derive(Default)]
struct Report {
    products: usize,
    slots: usize,
    same_brand: usize,
    all_same_brand: usize,
    own_twin: usize,
    twin_of_another: usize,
    fewer_than_4: usize,
    with_also_sold_as: usize,
    /// Summed over slots: the share of the shared weight (counted without trace scaling) that
    /// comes from the query's trace part.
    trace_share: f64,
    slots_mostly_trace: usize,
}

impl Report {
    fn print(&self) {
        let share = |n: usize, of: usize| 100.0 * n as f64 / of.max(1) as f64;
        println!("| measure | count | share |");
        println!("|---|---:|---:|");
        println!("| products with a list | {} | |", self.products);
        println!("| similar slots filled | {} | |", self.slots);
        let rows = [
            (
                "slots holding the product's own brand",
                self.same_brand,
                self.slots,
            ),
            (
                "products whose 4 are all their own brand",
                self.all_same_brand,
                self.products,
            ),
            (
                "slots repeating the product's own formula",
                self.own_twin,
                self.slots,
            ),
            (
                "slots repeating another result's formula",
                self.twin_of_another,
                self.slots,
            ),
            (
                "slots with \"also sold as\"",
                self.with_also_sold_as,
                self.slots,
            ),
            (
                "products with fewer than 4",
                self.fewer_than_4,
                self.products,
            ),
            (
                "slots whose shared weight is half or more trace",
                self.slots_mostly_trace,
                self.slots,
            ),
        ];
        for (measure, count, of) in rows {
            println!("| {measure} | {count} | {:.1} % |", share(count, of));
        }
        println!(
            "| mean share of the shared weight from trace ingredients | | {:.1} % |",
            100.0 * self.trace_share / self.slots.max(1) as f64
        );
    }
}

/// The 4 similar of every product as `index` ranks them; trace shares are weighed by
/// `untraced` and drawn where `served` draws the trace line.
fn report(
    catalog: &CatalogIndex,
    index: &SimilarityIndex,
    untraced: &SimilarityIndex,
    other_brands: bool,
) -> Report {
    let served = catalog.similarity();
    let mut report = Report::default();
    let mut ids: Vec<i32> = catalog.products().iter().map(|p| p.id).collect();
    ids.sort_unstable();
    let brand = |id: i32| catalog.product(id).map_or("", |p| p.brand.as_str());
    let list = |id: i32| -> Vec<i32> { index.ingredients_of(id).collect() };
    for id in ids {
        let own_brand = brand(id);
        let keep = |other: i32| !other_brands || !same_brand(brand(other), own_brand);
        let Some(found) = index.similar_to_product(id, 4, keep) else {
            continue;
        };
        report.products += 1;
        report.slots += found.len();
        report.fewer_than_4 += (found.len() < 4) as usize;
        let own_list = list(id);
        let mut lists_before: Vec<Vec<i32>> = Vec::new();
        let mut same = 0;
        for similar in &found {
            same += same_brand(brand(similar.product_id), own_brand) as usize;
            report.with_also_sold_as += !similar.same_formula.is_empty() as usize;
            let l = list(similar.product_id);
            if l == own_list {
                report.own_twin += 1;
            } else if lists_before.contains(&l) {
                report.twin_of_another += 1;
            }
            lists_before.push(l);
            // Weighed without trace scaling, the trace part as the served index draws it.
            let parts = untraced.explain(id, similar.product_id);
            let total: f32 = parts.iter().map(|(_, w)| w).sum();
            let trace: f32 = parts
                .iter()
                .filter(|(position, _)| served.is_trace_position(id, *position))
                .map(|(_, w)| w)
                .sum();
            let share = if total > 0.0 { trace / total } else { 0.0 };
            report.trace_share += f64::from(share);
            report.slots_mostly_trace += (share >= 0.5) as usize;
        }
        report.same_brand += same;
        report.all_same_brand += (found.len() == 4 && same == 4) as usize;
    }
    report
}

/// A product's 4 similar with every ingredient weighed alike, then as served: brand, name,
/// score and the first shared ingredients.
fn side_by_side(catalog: &CatalogIndex, untraced: &SimilarityIndex, brand: &str, name: &str) {
    let wanted = format!("{brand} {name}").to_lowercase();
    let Some((product, _)) = catalog.search(&wanted, 5).into_iter().find(|(p, _)| {
        format!("{} {}", p.brand, p.name)
            .to_lowercase()
            .contains(&wanted)
    }) else {
        println!("(no {brand} {name} in the catalog)\n");
        return;
    };
    println!(
        "**{} {}** (id {})\n",
        product.brand, product.name, product.id
    );
    let twins = catalog.same_formula_as(product.id);
    if !twins.is_empty() {
        let names: Vec<String> = twins
            .iter()
            .map(|p| format!("{} {}", p.brand, p.name))
            .collect();
        println!("same formula: {}\n", names.join("; "));
    }
    for (label, index) in [("alike", untraced), ("served", catalog.similarity())] {
        println!("{label}:\n");
        for similar in index
            .similar_to_product(product.id, 4, |_| true)
            .unwrap_or_default()
        {
            let Some(shown) = catalog.product(similar.product_id) else {
                continue;
            };
            let shared: Vec<&str> = similar
                .shared
                .iter()
                .take(5)
                .filter_map(|id| catalog.ingredient(*id))
                .map(|i| i.name.as_str())
                .collect();
            let also = if similar.same_formula.is_empty() {
                String::new()
            } else {
                format!(" (also sold as {} more)", similar.same_formula.len())
            };
            println!(
                "- {:.3} {} {}{also} — {}",
                similar.score,
                shown.brand,
                shown.name,
                shared.join(", ")
            );
        }
        println!();
    }
}
