//! Fuzzing by properties (proptest): the ingredient parser and resolver, the name query's
//! normaliser and search, the pasted-list reader and the CSV importer take any text without a
//! panic and within a bounded time. CI runs proptest's default 256 cases per property; a long
//! run sets `PROPTEST_CASES` (see the README).

use std::cell::RefCell;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use seongbun::catalog::import::import_text;
use seongbun::ingredients::{parse_label, PastedText, Resolver};
use seongbun::live_catalog::CatalogIndex;
use seongbun::search::query::SearchQuery;

/// No single input may take longer than this (a hang or a quadratic blow-up shows here; the
/// slowest real label takes milliseconds).
const PER_INPUT: Duration = Duration::from_secs(2);

/// Label-like text: ingredient names, Korean names, numbers and the punctuation labels use,
/// in any order, so the generator reaches the parser's special cases far more often than
/// uniformly random text would.
fn label_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("Water".to_string()),
        Just("Aqua/Water/Eau".to_string()),
        Just("1,2-Hexanediol".to_string()),
        Just("1, 2-헥산다이올".to_string()),
        Just("정제수".to_string()),
        Just("글리세린".to_string()),
        Just("Butyrospermum Parkii (Shea) Butter".to_string()),
        Just("May Contain (+/-):".to_string()),
        Just("Ingredients:".to_string()),
        Just("전성분:".to_string()),
        Just("[리필]".to_string()),
        Just("<ILN12345>".to_string()),
        Just("4,500 ppm".to_string()),
        Just("(and)".to_string()),
        Just("*Organic".to_string()),
        Just("Ci 77491".to_string()),
        Just("Please refer to the product packaging".to_string()),
        Just("No Info".to_string()),
        Just("#NAME?".to_string()),
        Just("Day Serum:".to_string()),
        "[(),:;/\\\\*.+\\-\\[\\]{}<>\"' \\n\\t]{1,4}",
        "[A-Za-z가-힣0-9 ]{1,20}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.join(", "))
}

fn within_bound<T>(what: &str, work: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let outcome = work();
    let took = started.elapsed();
    assert!(took < PER_INPUT, "{what} took {took:?}");
    outcome
}

thread_local! {
    static RESOLVER: Resolver = Resolver::builtin();
}

proptest! {
    #[test]
    fn the_parser_reads_any_text_into_clean_names(text in prop_oneof![label_like(), any::<String>()]) {
        let label = within_bound("parse_label", || parse_label(&text));
        for name in label.names() {
            prop_assert!(!name.trim().is_empty(), "an empty name from {text:?}");
            prop_assert_eq!(name.trim(), name.as_str());
        }
        RESOLVER.with(|resolver| within_bound("resolve_label", || resolver.resolve_label(&label)));
    }

    #[test]
    fn a_pasted_list_is_read_or_refused_with_a_reason(text in prop_oneof![label_like(), any::<String>()]) {
        let _ = within_bound("PastedText::parse", || PastedText::parse(&text));
    }

    #[test]
    fn a_search_query_is_normalised_or_refused(raw in any::<String>()) {
        if let Ok(query) = within_bound("SearchQuery::parse", || SearchQuery::parse(&raw)) {
            let text = query.as_str();
            prop_assert!(!text.is_empty());
            prop_assert!(text.chars().count() <= seongbun::search::query::MAX_QUERY_CHARS);
            prop_assert!(!text.chars().any(char::is_control));
        }
        let folded = within_bound("fold", || seongbun::text::fold(&raw));
        prop_assert_eq!(seongbun::text::fold(&folded), folded.clone(), "folding twice changes nothing");
    }
}

fn demo_index() -> CatalogIndex {
    let dir = tempfile::tempdir().unwrap();
    let pool = seongbun::db::open(&crate::helpers::test_database(&dir, "p.db")).unwrap();
    let mut conn = pool.get().unwrap();
    seongbun::catalog::demo::seed_if_empty(&mut conn).unwrap();
    CatalogIndex::load(&mut conn).unwrap()
}

#[test]
fn name_search_and_similarity_take_any_query() {
    let index = demo_index();
    proptest!(|(raw in prop_oneof![any::<String>(), "[a-z가-힣 ]{0,60}", label_like()])| {
        within_bound("find", || index.find(&raw, 5));
        within_bound("search", || index.search(&raw, 20));
        if let Ok(pasted) = PastedText::parse(&raw) {
            within_bound("similar_to_pasted", || index.similar_to_pasted(&pasted, 4));
        }
    });
}

/// A CSV field: plain text, or text with the quotes, commas and line breaks CSV must escape.
fn csv_field() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z가-힣0-9 ]{0,12}",
        label_like().prop_map(|s| format!("\"{}\"", s.replace('"', "\"\""))),
        any::<String>(),
        Just("\"unclosed".to_string()),
        Just("\"\"".to_string()),
        Just("Face Mask".to_string()),
        Just("12.50".to_string()),
        Just("-1".to_string()),
    ]
}

#[test]
fn the_importer_takes_any_csv_without_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let pool = seongbun::db::open(&crate::helpers::test_database(&dir, "import.db")).unwrap();
    let conn = RefCell::new(pool.get().unwrap());
    let headers = prop_oneof![
        Just("brand,name,category,ingredients,price,currency,aliases".to_string()),
        Just("brand,name,category,ingredients".to_string()),
        Just(
            "Label,Brand,Name,Price,Rank,Ingredients,Combination,Dry,Normal,Oily,Sensitive"
                .to_string()
        ),
        Just("product_id,category,brand,product_name,ingredient".to_string()),
        Just("std_name_ko,std_name_en,old_name_en".to_string()),
        "[a-z,_]{0,40}",
    ];
    let rows = prop::collection::vec(prop::collection::vec(csv_field(), 0..9), 0..12);
    proptest!(|(header in headers, rows in rows, crlf in any::<bool>())| {
        let line_end = if crlf { "\r\n" } else { "\n" };
        let mut text = header;
        for row in rows {
            text.push_str(line_end);
            text.push_str(&row.join(","));
        }
        let mut conn = conn.borrow_mut();
        let _ = within_bound("import_text", || import_text(&mut conn, "fuzz.csv", &text));
    });
}
