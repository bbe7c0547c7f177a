//! The team's built-in ingredient tables checked against the imported references.

use seongbun::catalog::import::{read_contents, FileContents};
use seongbun::catalog::store::ReferenceKind;
use seongbun::ingredients::{ingredient_key, Resolver};

use crate::helpers::KCIA_DICTIONARY;

#[test]
fn the_built_in_korean_table_agrees_with_the_kcia_dictionary() {
    let text = std::fs::read_to_string(KCIA_DICTIONARY).unwrap();
    let FileContents::References { sets, .. } = read_contents(KCIA_DICTIONARY, &text).unwrap()
    else {
        panic!("a reference file")
    };
    let (_, names) = sets
        .into_iter()
        .find(|(kind, _)| *kind == ReferenceKind::KoreanName)
        .unwrap();
    let builtin = Resolver::builtin();
    let mut checked = 0;
    let mut disagreements = Vec::new();
    for (korean, inci) in &names {
        let from_korean = builtin.resolve(korean);
        if seongbun::text::has_hangul(&from_korean.name) {
            continue; // not in the built-in table
        }
        checked += 1;
        let from_inci = builtin.resolve(inci);
        if from_korean.key != from_inci.key && from_korean.key != ingredient_key(inci) {
            disagreements.push(format!(
                "{korean}: built-in {} / KCIA {inci}",
                from_korean.name
            ));
        }
    }
    assert!(
        checked >= 150,
        "the built-in table covers {checked} KCIA names"
    );
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}
