//! What compressing a page once costs, by coding and level: the pages in a folder (product
//! pages saved from a running server, say), each compressed in one buffer, as the server does
//! for a page made per request. Prints, per coding, the mean time a page and the bytes against
//! the plain pages'. The levels below 1 look for matches of 7 bytes, as the server makes them
//! (`compression.rs`, `FAST_MIN_MATCH`), not zstd's default 5. BENCHMARKS.md ("Compressing a
//! computed page") has the run and the choice.
//!
//!   cargo run --release --example codings -- /tmp/pages

use std::time::Instant;

fn main() {
    let dir = std::env::args().nth(1).expect("a folder of .html pages");
    let pages: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .expect("the folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    let plain: usize = pages.iter().map(Vec::len).sum();
    println!(
        "{} pages, {} bytes plain (mean {} a page)\n",
        pages.len(),
        plain,
        plain / pages.len().max(1)
    );
    println!("| coding | µs a page (mean) | bytes (× plain) |");
    println!("|---|---:|---:|");
    for coding in seongbun::compression::Coding::ALL {
        for &level in coding.levels() {
            // One round to warm up, then the timed ones.
            for page in &pages {
                std::hint::black_box(coding.compress(page, level));
            }
            let rounds = 5;
            let started = Instant::now();
            let mut bytes = 0;
            for _ in 0..rounds {
                bytes = pages
                    .iter()
                    .map(|p| coding.compress(p, level).map_or(p.len(), |c| c.len()))
                    .sum::<usize>();
            }
            let micros = started.elapsed().as_secs_f64() * 1e6 / (rounds * pages.len()) as f64;
            println!(
                "| {} {level} | {micros:.0} | {bytes} ({:.3}) |",
                coding.name(),
                bytes as f64 / plain as f64
            );
        }
    }
}
