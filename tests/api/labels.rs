//! The label parser over every real label of the shared catalogs: what comes out must look like
//! ingredient names, never like labels, footnotes, colour sections, codes or disclaimers.

use seongbun::catalog::import::{read_contents, FileContents};
use seongbun::ingredients::{parse_label, Resolver};

use crate::helpers::{OLIVE_YOUNG, SEPHORA_1472, SEPHORA_PRODUCT_INFO};

fn all_labels() -> Vec<String> {
    [SEPHORA_1472, SEPHORA_PRODUCT_INFO, OLIVE_YOUNG]
        .iter()
        .flat_map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            let FileContents::Products { products, .. } = read_contents(path, &text).unwrap()
            else {
                panic!("{path} is a catalog")
            };
            products.into_iter().map(|p| p.ingredients_raw)
        })
        .collect()
}

#[test]
fn every_real_label_reads_as_ingredient_names() {
    let resolver = Resolver::builtin();
    let mut names = 0usize;
    let mut suspicious = Vec::new();
    for raw in all_labels() {
        for resolved in resolver.resolve_label(&parse_label(&raw)) {
            names += 1;
            let name = resolved.label_name.to_lowercase();
            let outside_brackets: String = {
                let mut depth = 0i32;
                name.chars()
                    .filter(|c| {
                        match c {
                            '(' | '[' => depth += 1,
                            ')' | ']' => depth -= 1,
                            _ => {}
                        }
                        depth == 0
                    })
                    .collect()
            };
            let looks_wrong = name.starts_with(['*', '-', '+', ':', '.', ',', ')'])
                || name.ends_with(['*', ':', ',', '('])
                || outside_brackets
                    .split(", ")
                    .skip(1)
                    .any(|after| !after.starts_with(|c: char| c.is_ascii_digit()))
                || name.contains("may contain")
                || name.contains("+/-")
                || name.contains("please")
                || name.contains("iln") && name.chars().filter(|c| c.is_ascii_digit()).count() >= 4
                || name.contains("ingredients:")
                || name.contains("제공된");
            if looks_wrong {
                suspicious.push(resolved.label_name);
            }
        }
    }
    eprintln!("{names} names read; {} suspicious", suspicious.len());
    for s in suspicious.iter().take(40) {
        eprintln!("  {s}");
    }
    assert!(names > 200_000, "{names}");
    assert!(
        suspicious.len() * 20_000 < names,
        "more than 1 in 20,000 names look wrong"
    );
}

/// The KCIA dictionary's (Korean standard name, INCI name) pairs.
fn kcia_pairs() -> Vec<(String, String)> {
    let mut reader = csv::Reader::from_path(crate::helpers::KCIA_DICTIONARY).unwrap();
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (ko, en) = (column("std_name_ko"), column("std_name_en"));
    reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| !r[ko].trim().is_empty() && !r[en].trim().is_empty())
        .map(|r| (r[ko].trim().to_string(), r[en].trim().to_string()))
        .collect()
}

/// The 200 ingredients most often on the shared catalogs' labels (Korean labels read through
/// the KCIA dictionary), most frequent first.
fn most_frequent_ingredients(count: usize) -> Vec<(String, String, usize)> {
    let mut resolver = Resolver::builtin();
    for (korean, inci) in kcia_pairs() {
        resolver.add_korean_name(&korean, &inci);
    }
    let mut frequency: std::collections::HashMap<String, (String, usize)> =
        std::collections::HashMap::new();
    for label in all_labels() {
        for resolved in resolver.resolve_label(&parse_label(&label)) {
            let entry = frequency
                .entry(resolved.canonical.key)
                .or_insert((resolved.canonical.name, 0));
            entry.1 += 1;
        }
    }
    let mut ranked: Vec<(String, String, usize)> = frequency
        .into_iter()
        .map(|(key, (name, n))| (key, name, n))
        .collect();
    ranked.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    ranked.truncate(count);
    ranked
}

#[test]
fn the_built_in_korean_names_cover_the_200_most_frequent_ingredients() {
    let built_in = Resolver::builtin();
    let missing: Vec<String> = most_frequent_ingredients(200)
        .into_iter()
        .filter(|(key, _, _)| built_in.korean_name_of(key).is_none())
        .map(|(_, name, n)| format!("{name} ({n})"))
        .collect();
    assert!(missing.is_empty(), "no built-in Korean name: {missing:#?}");
}
