//! What the name search alone costs on a real catalog, without the server around it: the
//! queries of `scripts/bench-http`'s search paths (real names, each with two letters swapped)
//! searched in rounds on one thread, as `/api/search` searches them. Prints the mean time a
//! query per round, and writes every query's ten matches with their scores to a file, so that
//! two builds can be held to the same answers (`cmp`). BENCHMARKS.md ("The name search's
//! parts") has the runs.
//!
//!   cargo run --release --example name_search -- /tmp/sb/bh/catalog-1472.db \
//!       /tmp/sb/bh/search-1472.paths [rounds] [matches file]

use std::fmt::Write;
use std::time::Instant;

use seongbun::live_catalog::index::CatalogIndex;

fn main() {
    let mut args = std::env::args().skip(1);
    let database = args
        .next()
        .expect("a catalog database (bench-http's catalog-N.db)");
    let paths = args.next().expect("bench-http's search-N.paths");
    let rounds: usize = args.next().map_or(5, |r| r.parse().expect("rounds"));
    let matches_file = args
        .next()
        .unwrap_or_else(|| "name-search-matches.txt".to_string());
    let queries: Vec<String> = std::fs::read_to_string(&paths)
        .expect("the paths file")
        .lines()
        .filter_map(|line| line.split_once("q=").map(|(_, q)| percent_decoded(q)))
        .collect();
    let mut conn = seongbun::db::establish(&database).expect("the catalog database");
    let index = CatalogIndex::load(&mut conn).expect("the catalog");
    println!(
        "{} queries, {} products",
        queries.len(),
        index.product_count()
    );
    for round in 1..=rounds {
        let started = Instant::now();
        let found: usize = queries.iter().map(|q| index.search(q, 10).len()).sum();
        let micros = started.elapsed().as_secs_f64() * 1e6 / queries.len() as f64;
        println!("round {round}: {micros:.1} µs a query ({found} matches)");
    }
    let mut matches = String::new();
    for query in &queries {
        for (product, score) in index.search(query, 10) {
            writeln!(matches, "{} {score}", product.id).unwrap();
        }
        matches.push_str("--\n");
    }
    std::fs::write(&matches_file, matches).expect("the matches file");
    println!("matches written to {matches_file}");
}

/// A query string's value as the server reads it: `%XX` escapes decoded.
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| text.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
