//! How the in-process work grows with the catalog: the 4 most similar to a catalog product (as
//! the API asks, and as the product page asks, same category), to a pasted label, and
//! typo-tolerant name search, on generated catalogs of 10k, 100k and 1M products
//! (`seongbun gen-catalog`'s products, indexed in memory).
//!
//! `cargo bench --bench scale` runs the full sizes; `SEONGBUN_BENCH_SIZES=100000` picks others.
//! Run without `--bench` (as `cargo test` does), it is a smoke run on 2,000 products.
//! Besides criterion's timings it prints each operation's latency percentiles over many
//! different queries, and how often name search agrees with the exhaustive strsim ranking.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::Criterion;

use seongbun::catalog::model::NewProduct;
use seongbun::catalog::synthetic::{self, CatalogShape, SeededRng};
use seongbun::ingredients::{PastedText, Resolver};
use seongbun::live_catalog::CatalogIndex;
use seongbun::similarity::Narrowing;

const DATA_DIR: &str = "../shared/data";
const SEED: u64 = 1;
/// Queries per operation for the percentiles.
const LATENCY_QUERIES: usize = 2_000;

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    // Under `--profile-time` (perf, callgrind) only criterion's loop runs.
    let profiling = std::env::args().any(|a| a == "--profile-time");
    let sizes = sizes(full);
    let shape = CatalogShape::learn(Path::new(DATA_DIR))
        .unwrap_or_else(|e| panic!("the benchmarks learn from {DATA_DIR}: {e}"));
    let resolver = Resolver::builtin();
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(if full { 5 } else { 1 }))
        .configure_from_args();
    let mut table = Vec::new();
    for size in sizes {
        let products = synthetic::generate(&shape, size, SEED);
        let memory_before = resident_bytes();
        let started = Instant::now();
        let rows = synthetic::catalog_rows(&products, &resolver);
        let index = CatalogIndex::build(rows, resolver.clone(), 0);
        let build = started.elapsed();
        let index_memory = resident_bytes().saturating_sub(memory_before);
        let workload = Workload::new(&products, &index, size);
        bench(&mut criterion, size, &index, &workload);
        if profiling {
            continue;
        }
        let cut_before = index.similarity().rankings_cut();
        let latencies = workload.latencies(&index);
        let cut_in_latencies = index.similarity().rankings_cut() - cut_before;
        let mut line = SizeReport {
            size,
            build,
            index_memory,
            formulas: index.similarity().formula_count(),
            latencies,
            cut_in_latencies,
            agreement: workload.name_agreement(&index, if size >= 1_000_000 { 30 } else { 100 }),
            similar_agreement: workload.similar_agreement(&index, 200),
        };
        line.latencies.sort_by_key(|(name, _)| *name);
        table.push(line);
    }
    criterion.final_summary();
    print_table(&table);
}

fn sizes(full: bool) -> Vec<usize> {
    let default = if full { "10000,100000,1000000" } else { "2000" };
    std::env::var("SEONGBUN_BENCH_SIZES")
        .unwrap_or_else(|_| default.to_string())
        .split(',')
        .map(|s| {
            s.trim()
                .parse()
                .expect("SEONGBUN_BENCH_SIZES: sizes separated by commas")
        })
        .collect()
}

/// The queries every operation is measured with: products spread over the catalog, their
/// labels pasted, and their names typed with a typo.
struct Workload {
    products: Vec<i32>,
    same_category: Vec<Narrowing>,
    pasted: Vec<PastedText>,
    typed_names: Vec<(String, i32)>,
}

impl Workload {
    fn new(products: &[NewProduct], index: &CatalogIndex, size: usize) -> Self {
        let mut rng = SeededRng::new(SEED + 1);
        let mut workload = Workload {
            products: Vec::new(),
            same_category: Vec::new(),
            pasted: Vec::new(),
            typed_names: Vec::new(),
        };
        while workload.products.len() < LATENCY_QUERIES.min(size / 2) {
            let slot = rng.below(products.len());
            let id = slot as i32 + 1;
            if index.ingredients_of(id).is_empty() {
                continue;
            }
            let product = &products[slot];
            workload.products.push(id);
            workload.same_category.push(Narrowing {
                category: Some(product.category.clone()),
                ..Narrowing::default()
            });
            if let Ok(pasted) = PastedText::parse(&product.ingredients_raw) {
                workload.pasted.push(pasted);
            }
            let typed = with_typo(&format!("{} {}", product.brand, product.name), &mut rng);
            workload.typed_names.push((typed, id));
        }
        workload
    }

    /// (operation, sorted latencies of one call each).
    fn latencies(&self, index: &CatalogIndex) -> Vec<(&'static str, Vec<Duration>)> {
        let time = |f: &dyn Fn(usize)| {
            let n = self.products.len();
            (0..n).for_each(f); // warm caches and per-thread buffers
            let mut times: Vec<Duration> = (0..n)
                .map(|i| {
                    let started = Instant::now();
                    f(i);
                    started.elapsed()
                })
                .collect();
            times.sort();
            times
        };
        vec![
            (
                "similar (API)",
                time(&|i| {
                    black_box(index.similar_products(self.products[i], 4));
                }),
            ),
            (
                "similar (page, same category)",
                time(&|i| {
                    black_box(index.similar_products_narrowed(
                        self.products[i],
                        4,
                        &self.same_category[i],
                    ));
                }),
            ),
            (
                "similar to a pasted label",
                time(&|i| {
                    black_box(index.similar_to_pasted(&self.pasted[i % self.pasted.len()], 4));
                }),
            ),
            (
                "name search",
                time(&|i| {
                    black_box(index.find(&self.typed_names[i].0, 10));
                }),
            ),
        ]
    }

    /// Of `queries` products: how often the index's 4 most similar are the exhaustive
    /// ranking's (the same products, or the same scores where they differ: ties), and how
    /// close their scores come where they are not: the 4 found's summed score as a share of
    /// the exhaustive 4's, its mean and its lowest over the queries.
    fn similar_agreement(&self, index: &CatalogIndex, queries: usize) -> SimilarAgreement {
        let similarity = index.similarity();
        let mut agreement = SimilarAgreement {
            lowest_share: 1.0,
            ..SimilarAgreement::default()
        };
        let cut_before = similarity.rankings_cut();
        for id in self.products.iter().take(queries) {
            let fast = similarity
                .similar_to_product(*id, 4, |_| true)
                .unwrap_or_default();
            let exact = similarity
                .similar_to_product_exhaustively(*id, 4, |_| true)
                .unwrap_or_default();
            agreement.queries += 1;
            agreement.cut = similarity.rankings_cut() - cut_before;
            let same = fast.len() == exact.len()
                && fast
                    .iter()
                    .zip(&exact)
                    .all(|(f, (id, score))| f.product_id == *id || (f.score - score).abs() <= 1e-5);
            agreement.same += same as usize;
            let found: f64 = fast.iter().map(|m| m.score as f64).sum();
            let best: f64 = exact.iter().map(|(_, score)| *score as f64).sum();
            let share = if best > 0.0 { found / best } else { 1.0 };
            agreement.share_sum += share;
            agreement.lowest_share = agreement.lowest_share.min(share);
        }
        agreement
    }

    /// Of `queries` typed names: how often search's best match is the exhaustive ranking's
    /// best (same product, or the same score: a tie), and how often it is the product typed.
    fn name_agreement(&self, index: &CatalogIndex, queries: usize) -> Agreement {
        let sample = &self.typed_names[..queries.min(self.typed_names.len())];
        // The exhaustive ranking scores every product: on both cores.
        let halves = sample.split_at(sample.len() / 2);
        let (a, b) = std::thread::scope(|scope| {
            let first = scope.spawn(|| agreement_of(index, halves.0));
            (
                first.join().expect("the agreement thread"),
                agreement_of(index, halves.1),
            )
        });
        Agreement {
            queries: a.queries + b.queries,
            same_best: a.same_best + b.same_best,
            found_meant: a.found_meant + b.found_meant,
        }
    }
}

fn agreement_of(index: &CatalogIndex, typed_names: &[(String, i32)]) -> Agreement {
    let mut agreement = Agreement::default();
    for (typed, meant) in typed_names {
        let fast = index.names().search(typed, 1);
        let exact = index.names().search_exhaustively(typed, 1);
        agreement.queries += 1;
        let same = match (fast.first(), exact.first()) {
            (Some(f), Some(e)) => f.product_id == e.product_id || f.score == e.score,
            (None, None) => true,
            _ => false,
        };
        agreement.same_best += same as usize;
        agreement.found_meant += fast.first().is_some_and(|f| f.product_id == *meant) as usize;
    }
    agreement
}

#[derive(Default)]
struct SimilarAgreement {
    queries: usize,
    /// Of the queries, how many rankings the work budget cut short.
    cut: u64,
    same: usize,
    share_sum: f64,
    lowest_share: f64,
}

#[derive(Default)]
struct Agreement {
    queries: usize,
    same_best: usize,
    found_meant: usize,
}

/// One typo: a letter dropped, doubled or two swapped, somewhere after the first.
fn with_typo(name: &str, rng: &mut SeededRng) -> String {
    let mut chars: Vec<char> = name.chars().collect();
    if chars.len() < 4 {
        return name.to_string();
    }
    let at = 1 + rng.below(chars.len() - 2);
    match rng.below(3) {
        0 => {
            chars.remove(at);
        }
        1 => chars.insert(at, chars[at]),
        _ => chars.swap(at, at + 1),
    }
    chars.into_iter().collect()
}

fn bench(criterion: &mut Criterion, size: usize, index: &CatalogIndex, workload: &Workload) {
    let mut group = criterion.benchmark_group(format!("{size} products"));
    let n = workload.products.len();
    let mut i = 0;
    group.bench_function("similar to a product (API)", |b| {
        b.iter(|| {
            i = (i + 1) % n;
            index.similar_products(workload.products[i], 4)
        })
    });
    group.bench_function("similar to a product (page, same category)", |b| {
        b.iter(|| {
            i = (i + 1) % n;
            index.similar_products_narrowed(workload.products[i], 4, &workload.same_category[i])
        })
    });
    group.bench_function("similar to a pasted label", |b| {
        b.iter(|| {
            i = (i + 1) % workload.pasted.len();
            index.similar_to_pasted(&workload.pasted[i], 4).1.len()
        })
    });
    group.bench_function("name search with a typo", |b| {
        b.iter(|| {
            i = (i + 1) % n;
            index.find(&workload.typed_names[i].0, 10)
        })
    });
    group.finish();
}

struct SizeReport {
    size: usize,
    build: Duration,
    index_memory: u64,
    formulas: usize,
    latencies: Vec<(&'static str, Vec<Duration>)>,
    /// Rankings the work budget cut short during `latencies` (each query twice: warm, timed).
    cut_in_latencies: u64,
    agreement: Agreement,
    similar_agreement: SimilarAgreement,
}

fn print_table(table: &[SizeReport]) {
    println!("\n| products | operation | p50 | p99 | max |");
    println!("|---:|---|---:|---:|---:|");
    for report in table {
        for (name, times) in &report.latencies {
            let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
            println!(
                "| {} | {name} | {} | {} | {} |",
                report.size,
                micros(at(0.5)),
                micros(at(0.99)),
                micros(at(1.0))
            );
        }
    }
    println!("\n| products | formulas | rankings cut by the work budget: latency runs / agreement queries |");
    println!("|---:|---:|---:|");
    for r in table {
        let calls: usize = r
            .latencies
            .iter()
            .filter(|(name, _)| name.starts_with("similar"))
            .map(|(_, t)| 2 * t.len())
            .sum();
        println!(
            "| {} | {} | {} of {} / {} of {} |",
            r.size,
            r.formulas,
            r.cut_in_latencies,
            calls,
            r.similar_agreement.cut,
            r.similar_agreement.queries
        );
    }
    println!("\n| products | index build | index memory | 4 similar = exhaustive | their score, of the exhaustive 4's: mean / lowest | name search = exhaustive best | finds the product typed |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for r in table {
        let a = &r.agreement;
        let s = &r.similar_agreement;
        println!(
            "| {} | {:.1} s | {} MB | {}/{} | {:.1} % / {:.1} % | {}/{} | {}/{} |",
            r.size,
            r.build.as_secs_f64(),
            r.index_memory / 1_000_000,
            s.same,
            s.queries,
            100.0 * s.share_sum / s.queries.max(1) as f64,
            100.0 * s.lowest_share,
            a.same_best,
            a.queries,
            a.found_meant,
            a.queries
        );
    }
}

fn micros(d: Duration) -> String {
    format!("{} µs", d.as_micros())
}

/// This process's resident memory, from /proc (0 where there is none).
fn resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}
