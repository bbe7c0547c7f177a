//! The answer first: on a product page the first of the 4 similar products is in the first
//! screen, on a phone and on a desktop, in Korean and in English, for 200 products of the real
//! catalogs; and the full ingredient list, folded (or, for a kit's long list, on its own
//! page), is all there.

use crate::chromium::{BrowserSetup, Chromium};
use crate::helpers::{spawn_app_importing, KCIA_DICTIONARY, OLIVE_YOUNG, SEPHORA_1472};

/// The screens the issue names: a common phone and a laptop.
const SCREENS: [(u32, u32); 2] = [(390, 844), (1280, 800)];
const PRODUCTS: usize = 200;

/// 200 products with an ingredient list, picked with a fixed seed (SplitMix64), with the
/// length of each one's list as the catalog holds it.
fn sample(database: &str) -> Vec<(i32, usize)> {
    let pool = seongbun::db::open(database).unwrap();
    let index = seongbun::live_catalog::CatalogIndex::load(&mut pool.get().unwrap()).unwrap();
    let mut with_lists: Vec<(i32, usize)> =
        seongbun::catalog::store::all_products(&mut pool.get().unwrap())
            .unwrap()
            .into_iter()
            .filter(|p| p.no_ingredients_reason.is_none())
            .map(|p| (p.id, index.ingredients_of(p.id).len()))
            .filter(|(_, listed)| *listed > 0)
            .collect();
    let mut state: u64 = 20_261_201;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut picked = Vec::new();
    while picked.len() < PRODUCTS && !with_lists.is_empty() {
        let at = (next() % with_lists.len() as u64) as usize;
        picked.push(with_lists.swap_remove(at));
    }
    picked
}

/// A list longer than this is on its own page (`/products/{id}/ingredients`), and the product
/// page shows its first `FIRST_LINES`.
const LONGEST_LIST_ON_PAGE: usize = 60;
const FIRST_LINES: usize = 12;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_similar_card_is_in_the_first_screen_and_the_whole_list_is_there() {
    let app = spawn_app_importing(&[SEPHORA_1472, OLIVE_YOUNG, KCIA_DICTIONARY]).await;
    let products = sample(&app.database);
    assert_eq!(products.len(), PRODUCTS);
    let mut misses = Vec::new();
    let mut views = 0;
    for window in SCREENS {
        for lang in ["ko", "en"] {
            let browser = Chromium::open(&app.address, BrowserSetup::sized(window)).await;
            browser.goto(&format!("/lang/{lang}")).await;
            for (id, listed) in &products {
                browser.goto(&format!("/products/{id}")).await;
                let seen = browser
                    .client
                    .execute(
                        "const h = document.querySelector('.similar .card h3');
                         return [h ? h.getBoundingClientRect().bottom : -1, window.innerHeight,
                                 document.querySelectorAll('#ingredients li .chip').length,
                                 document.documentElement.lang, window.scrollY];",
                        Vec::new(),
                    )
                    .await
                    .unwrap();
                let number = |i: usize| seen[i].as_f64().unwrap_or(-1.0);
                let (bottom, height, chips) = (number(0), number(1), number(2));
                views += 1;
                assert_eq!(seen[3], lang, "the page is in {lang}");
                assert_eq!(number(4), 0.0, "the page opens at its top");
                if bottom < 0.0 || bottom > height {
                    misses.push(format!(
                        "/products/{id} at {window:?} in {lang}: first card ends at {bottom} of {height}"
                    ));
                }
                // A kit's long list is whole on a page of its own, its first 12 on this one.
                let whole = if *listed > LONGEST_LIST_ON_PAGE {
                    let first_lines = chips as usize == FIRST_LINES;
                    browser.goto(&format!("/products/{id}/ingredients")).await;
                    let on_own_page = browser.find_all("#ingredients li .chip").await.len();
                    first_lines && on_own_page == *listed
                } else {
                    chips as usize == *listed
                };
                if !whole {
                    misses.push(format!(
                        "/products/{id} at {window:?} in {lang}: {chips} chips of {listed}"
                    ));
                }
            }
            browser.close().await;
        }
    }
    assert_eq!(views, 4 * PRODUCTS);
    assert!(
        misses.is_empty(),
        "{} of {views} views missed: {:#?}",
        misses.len(),
        &misses[..misses.len().min(20)]
    );
}
