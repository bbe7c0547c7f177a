//! `seongbun import`: formats, summaries, idempotence, malformed files, re-resolution, and the
//! running server picking up a catalog change.

use std::time::{Duration, Instant};

use seongbun::catalog::import::{import_file, import_text, ImportError, ImportReport};
use seongbun::catalog::store;

use crate::helpers::{
    spawn_app, urlencode, KCIA_DICTIONARY, OLIVE_YOUNG, SEPHORA_1472, SEPHORA_PRODUCT_INFO,
};

fn temp_db() -> (tempfile::TempDir, seongbun::db::DbPool) {
    let dir = tempfile::tempdir().unwrap();
    let pool = seongbun::db::open(&dir.path().join("import.db").to_string_lossy()).unwrap();
    (dir, pool)
}

#[test]
fn the_1472_set_imports_with_its_non_lists_kept_and_reimporting_changes_nothing() {
    let (_dir, pool) = temp_db();
    let mut conn = pool.get().unwrap();
    let ImportReport::Products {
        counts, skipped, ..
    } = import_file(&mut conn, SEPHORA_1472).unwrap()
    else {
        panic!("a product catalog")
    };
    assert_eq!(
        (counts.added, counts.updated, counts.unchanged),
        (1472, 0, 0)
    );
    assert!(skipped.is_empty());
    let without = &counts.without_ingredients;
    assert_eq!(without["\"Visit the ... boutique\" instead of a list"], 120);
    assert_eq!(without["placeholder such as \"No Info\""], 23);
    assert_eq!(without["spreadsheet error such as \"#NAME?\""], 4);
    let version = store::catalog_version(&mut conn).unwrap();
    let again = import_file(&mut conn, SEPHORA_1472).unwrap();
    assert_eq!(
        store::catalog_version(&mut conn).unwrap(),
        version,
        "running indexes are left alone"
    );
    let ImportReport::Products { counts, .. } = &again else {
        panic!()
    };
    assert_eq!(
        (counts.added, counts.updated, counts.unchanged),
        (0, 0, 1472)
    );
    assert_eq!(store::count_products(&mut conn).unwrap(), 1472);
    assert!(again
        .to_string()
        .contains("added 0, updated 0, unchanged 1472"));
}

#[test]
fn products_without_ingredients_are_searchable_but_never_offered_as_similar() {
    let (_dir, pool) = temp_db();
    let mut conn = pool.get().unwrap();
    import_file(&mut conn, SEPHORA_1472).unwrap();
    let index = seongbun::catalog_index::CatalogIndex::load(&mut conn).unwrap();
    let found = index.search("DR. JART+ Water Drop Hydrating Moisturizer", 3);
    let (product, _) = found.first().expect("found by name");
    assert!(product.no_ingredients_reason.is_some());
    assert!(index.similar_products(product.id, 4).unwrap().is_empty());
    let any = index.search("CLINIQUE Moisture Surge", 1)[0].0.id;
    for similar in index.similar_products(any, 50).unwrap() {
        assert!(similar.product.no_ingredients_reason.is_none());
    }
}

#[test]
fn the_product_info_format_reads_its_list_literals_and_kits() {
    let (_dir, pool) = temp_db();
    let mut conn = pool.get().unwrap();
    let ImportReport::Products {
        counts,
        skipped,
        format,
        ..
    } = import_file(&mut conn, SEPHORA_PRODUCT_INFO).unwrap()
    else {
        panic!()
    };
    assert_eq!(format, "Sephora product_info.csv");
    assert_eq!(
        counts.added + skipped.values().map(Vec::len).sum::<usize>(),
        8494
    );
    assert_eq!(skipped["same brand and name as an earlier row"].len(), 40);
    assert!(counts.without_ingredients["empty ingredient field"] >= 900);
}

#[test]
fn a_malformed_file_is_refused_with_its_line_and_imports_nothing() {
    let (dir, pool) = temp_db();
    let mut conn = pool.get().unwrap();
    let path = dir.path().join("broken.csv");
    std::fs::write(
        &path,
        b"brand,name,category,ingredients\nA,One,mask,Water\nB,Tw\xff,mask,Water\n",
    )
    .unwrap();
    let error = import_file(&mut conn, &path.to_string_lossy()).unwrap_err();
    assert!(
        matches!(error, ImportError::Malformed { line: 3, .. }),
        "{error}"
    );
    assert!(error.to_string().contains("UTF-8"), "{error}");
    assert_eq!(store::count_products(&mut conn).unwrap(), 0);
    std::fs::write(
        &path,
        "brand,name,category,ingredients\nA,One,mask,Water\nB,Two,mask\n",
    )
    .unwrap();
    let error = import_file(&mut conn, &path.to_string_lossy()).unwrap_err();
    assert!(error.to_string().contains("line 3"), "{error}");
    assert_eq!(store::count_products(&mut conn).unwrap(), 0);
}

#[test]
fn a_dictionary_imported_after_a_catalog_resolves_its_korean_ingredients() {
    let (_dir, pool) = temp_db();
    let mut conn = pool.get().unwrap();
    import_file(&mut conn, OLIVE_YOUNG).unwrap();
    let korean_share = |conn: &mut _| {
        let index = seongbun::catalog_index::CatalogIndex::load(conn).unwrap();
        let product = index.search("라운드랩 1025 독도 토너", 1)[0].0.id;
        let names: Vec<String> = index
            .ingredients_of(product)
            .iter()
            .map(|i| i.name.clone())
            .collect();
        names
            .iter()
            .filter(|n| seongbun::text::has_hangul(n))
            .count() as f64
            / names.len() as f64
    };
    let before = korean_share(&mut conn);
    let ImportReport::References {
        products_re_resolved,
        ..
    } = import_file(&mut conn, KCIA_DICTIONARY).unwrap()
    else {
        panic!()
    };
    assert!(products_re_resolved > 1000, "{products_re_resolved}");
    let ImportReport::References {
        products_re_resolved: again,
        ..
    } = import_file(&mut conn, KCIA_DICTIONARY).unwrap()
    else {
        panic!()
    };
    assert_eq!(
        again, 0,
        "importing the same dictionary again changes nothing"
    );
    let after = korean_share(&mut conn);
    assert!(
        after < 0.05 && after < before,
        "Korean names left: {before} -> {after}"
    );
}

#[test]
fn importing_a_real_catalog_replaces_the_demo_products() {
    let (_dir, pool) = temp_db();
    let mut conn = pool.get().unwrap();
    seongbun::catalog::demo::seed_if_empty(&mut conn)
        .unwrap()
        .expect("seeded");
    assert!(store::count_products(&mut conn).unwrap() >= 60);
    let report = import_text(
        &mut conn,
        "mine.csv",
        "brand,name,category,ingredients\nMine,Cream,moisturizer,\"Water, Glycerin\"\n",
    )
    .unwrap();
    assert!(report.to_string().contains("removed the"));
    assert_eq!(store::count_products(&mut conn).unwrap(), 1);
}

#[tokio::test]
async fn the_running_server_picks_up_an_import_made_by_another_process() {
    let app = spawn_app().await;
    let csv = app.dir.path().join("new.csv");
    std::fs::write(
        &csv,
        "brand,name,category,ingredients,price,currency,aliases\nZelkova,Quince Barrier Balm,moisturizer,\"Water, Cydonia Oblonga Fruit Extract, Squalane, Ceramide NP\",18,USD,젤코바 모과 밤\n",
    )
    .unwrap();
    let (database, file) = (
        app.database.to_string_lossy().into_owned(),
        csv.to_string_lossy().into_owned(),
    );
    tokio::task::spawn_blocking(move || seongbun::startup::import(&database, &[file]).unwrap())
        .await
        .unwrap();
    let started = Instant::now();
    loop {
        let (_, body) = app
            .get_json(&format!(
                "/api/search?q={}",
                urlencode("quince barrier balm")
            ))
            .await;
        if body["matches"]
            .as_array()
            .is_some_and(|m| m.first().is_some_and(|m| m["brand"] == "Zelkova"))
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the new product never appeared"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[test]
fn which_products_contain_an_ingredient_is_one_indexed_query() {
    use diesel::prelude::*;
    let (_dir, pool) = temp_db();
    let mut conn = pool.get().unwrap();
    seongbun::catalog::demo::seed_if_empty(&mut conn).unwrap();
    let index = seongbun::catalog_index::CatalogIndex::load(&mut conn).unwrap();
    let cica_cream = index.search("Quiet Cica Cica Recovery Cream", 1)[0].0.id;
    let madecassoside = index
        .ingredients_of(cica_cream)
        .into_iter()
        .find(|i| i.name == "Madecassoside")
        .unwrap()
        .id;
    let holders = store::products_containing(&mut conn, madecassoside, 50, 0).unwrap();
    let names: Vec<&str> = holders
        .iter()
        .map(|id| index.product(*id).unwrap().name.as_str())
        .collect();
    assert!(
        names.contains(&"Cica Recovery Cream") && names.contains(&"병풀 진정 크림"),
        "{names:?}"
    );
    assert!(names.iter().all(|n| !n.contains("Retinol")), "{names:?}");
    #[derive(QueryableByName)]
    struct Plan {
        #[diesel(sql_type = diesel::sql_types::Text)]
        detail: String,
    }
    let plan: Vec<Plan> = diesel::sql_query(
        "EXPLAIN QUERY PLAN SELECT product_id FROM product_ingredients WHERE ingredient_id = ? ORDER BY product_id",
    )
    .bind::<diesel::sql_types::Integer, _>(madecassoside)
    .load(&mut conn)
    .unwrap();
    assert!(
        plan.iter()
            .any(|p| p.detail.contains("product_ingredients_by_ingredient")),
        "{:?}",
        plan.iter().map(|p| &p.detail).collect::<Vec<_>>()
    );
    assert!(
        plan.iter().all(|p| !p.detail.contains("SCAN")),
        "no table scan"
    );
}

#[test]
fn every_pooled_connection_uses_wal_a_busy_timeout_and_foreign_keys() {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Mode {
        #[diesel(sql_type = diesel::sql_types::Text)]
        journal_mode: String,
    }
    #[derive(QueryableByName)]
    struct Flag {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        foreign_keys: i32,
    }
    #[derive(QueryableByName)]
    struct Timeout {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        timeout: i32,
    }
    let (_dir, pool) = temp_db();
    // Several connections at once: each one is set up, not just the first.
    let mut connections: Vec<_> = (0..3).map(|_| pool.get().unwrap()).collect();
    for conn in &mut connections {
        let mode: Mode = diesel::sql_query("PRAGMA journal_mode")
            .get_result(conn)
            .unwrap();
        assert_eq!(mode.journal_mode, "wal");
        let flag: Flag = diesel::sql_query("PRAGMA foreign_keys")
            .get_result(conn)
            .unwrap();
        assert_eq!(flag.foreign_keys, 1);
        let timeout: Timeout = diesel::sql_query("PRAGMA busy_timeout")
            .get_result(conn)
            .unwrap();
        assert!(timeout.timeout >= 5_000, "{}", timeout.timeout);
    }
}

#[test]
fn a_database_that_cannot_be_opened_is_reported_at_once() {
    let started = Instant::now();
    let Err(error) = seongbun::db::open("/nonexistent-dir/seongbun.db") else {
        panic!("the database cannot be opened")
    };
    assert!(
        error
            .to_string()
            .contains("cannot open the database /nonexistent-dir/seongbun.db"),
        "{error}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}
