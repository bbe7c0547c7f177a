//! `seongbun import`: formats, summaries, idempotence, malformed files, re-resolution, and the
//! running server picking up a catalog change.

use std::time::{Duration, Instant};

use seongbun::catalog::import::{import_file, import_text, ImportError, ImportReport};
use seongbun::catalog::store;

use crate::helpers::{
    spawn_app, sqlite_only, test_database, urlencode, KCIA_DICTIONARY, OLIVE_YOUNG, SEPHORA_1472,
    SEPHORA_PRODUCT_INFO,
};

fn temp_db() -> (tempfile::TempDir, seongbun::db::DbPool) {
    let dir = tempfile::tempdir().unwrap();
    let pool = seongbun::db::open(&test_database(&dir, "import.db")).unwrap();
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
    let index = seongbun::live_catalog::CatalogIndex::load(&mut conn).unwrap();
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
        let index = seongbun::live_catalog::CatalogIndex::load(conn).unwrap();
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
    let (database, file) = (app.database.clone(), csv.to_string_lossy().into_owned());
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
    if sqlite_only("SQLite query plans (PostgreSQL plans by table statistics)") {
        return;
    }
    use diesel::prelude::*;
    let (_dir, pool) = temp_db();
    let mut conn = pool.get().unwrap();
    seongbun::catalog::demo::seed_if_empty(&mut conn).unwrap();
    let index = seongbun::live_catalog::CatalogIndex::load(&mut conn).unwrap();
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
    if sqlite_only("SQLite pragmas") {
        return;
    }
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
    // No file there; no server there (port 1), with a password that must not be shown.
    let (url, shown) = match crate::BACKEND {
        crate::helpers::Backend::Sqlite => (
            "/nonexistent-dir/seongbun.db",
            "/nonexistent-dir/seongbun.db",
        ),
        crate::helpers::Backend::Postgres => (
            "postgres://app:s3cret@127.0.0.1:1/seongbun",
            "postgres://app:***@127.0.0.1:1/seongbun",
        ),
    };
    let Err(error) = seongbun::db::open(url) else {
        panic!("the database cannot be opened")
    };
    assert!(
        error
            .to_string()
            .contains(&format!("cannot open the database {shown}")),
        "{error}"
    );
    assert!(!error.to_string().contains("s3cret"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

/// Every link as (product name, position, ingredient id, ingredient name), in label order.
fn stored_links(conn: &mut seongbun::db::Conn) -> Vec<(String, i32, i32, String)> {
    use diesel::prelude::*;
    use seongbun::schema::{ingredients, product_ingredients, products};
    product_ingredients::table
        .inner_join(products::table)
        .inner_join(ingredients::table)
        .select((
            products::name,
            product_ingredients::position,
            product_ingredients::ingredient_id,
            ingredients::name,
        ))
        .order((
            product_ingredients::product_id,
            product_ingredients::position,
        ))
        .load(conn)
        .unwrap()
}

/// 150 products whose lists are 0 to 70 ingredients long, in a different order each: their
/// 4,998 links span several of the writer's batches (1,024 links), and its statements (32
/// links) start and end at different places in the lists.
fn products_of_every_list_length() -> (String, Vec<(String, Vec<String>)>) {
    let vocabulary: Vec<String> = (0..70)
        .map(|i| {
            format!(
                "{} {} Extract",
                ["Rosa", "Camellia", "Lilium", "Iris", "Viola"][i % 5],
                [
                    "Alba",
                    "Rubra",
                    "Nigra",
                    "Lutea",
                    "Minor",
                    "Major",
                    "Gallica",
                    "Sinensis",
                    "Japonica",
                    "Odorata",
                    "Canina",
                    "Damascena",
                    "Centifolia",
                    "Pallida"
                ][i / 5]
            )
        })
        .collect();
    let mut csv = String::from("brand,name,category,ingredients\n");
    let mut expected = Vec::new();
    for k in 0..150 {
        let list: Vec<String> = (0..k % 71)
            .map(|j| vocabulary[(k * 7 + j) % 70].clone())
            .collect();
        let name = format!("Length Test {k:03}");
        csv.push_str(&format!("Writer,{name},serum,\"{}\"\n", list.join(", ")));
        expected.push((name, list));
    }
    (csv, expected)
}

#[test]
fn every_link_is_written_in_label_order_whatever_the_list_length() {
    let (_dir, pool) = temp_db();
    let mut conn = pool.get().unwrap();
    let (csv, expected) = products_of_every_list_length();
    import_text(&mut conn, "lengths.csv", &csv).unwrap();
    let stored = stored_links(&mut conn);
    let expected: Vec<(String, i32, String)> = expected
        .into_iter()
        .flat_map(|(name, list)| {
            list.into_iter()
                .enumerate()
                .map(move |(position, label)| (name.clone(), position as i32, label))
        })
        .collect();
    let stored: Vec<(String, i32, String)> = stored
        .into_iter()
        .map(|(name, position, _, ingredient)| (name, position, ingredient))
        .collect();
    assert_eq!(stored.len(), expected.len());
    assert_eq!(stored, expected);
    // Same label name, same ingredient, wherever it stands.
    let index = seongbun::live_catalog::CatalogIndex::load(&mut conn).unwrap();
    let longest = index.search("Length Test 070", 1)[0].0.id;
    assert_eq!(index.ingredients_of(longest).len(), 70);
    // The references hold after the import (PostgreSQL's import drops and adds them back):
    // a link to no ingredient is refused, and deleting a product takes its links with it.
    {
        use diesel::prelude::*;
        use seongbun::schema::product_ingredients;
        let orphan = seongbun::db::write_transaction(&mut conn, |conn| {
            diesel::insert_into(product_ingredients::table)
                .values((
                    product_ingredients::product_id.eq(longest),
                    product_ingredients::position.eq(999),
                    product_ingredients::ingredient_id.eq(987_654),
                ))
                .execute(conn)
        });
        assert!(orphan.is_err(), "a link to no ingredient is refused");
    }
    store::delete_product(&mut conn, longest).unwrap();
    let left = stored_links(&mut conn);
    assert_eq!(left.len(), stored.len() - 70);
}

#[test]
fn a_catalog_stored_before_the_links_table_was_rebuilt_keeps_every_link() {
    if sqlite_only("the SQLite links-table migration (PostgreSQL starts from the rebuilt schema)") {
        return;
    }
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    use diesel_migrations::MigrationHarness;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db").to_string_lossy().into_owned();
    {
        // The database as the first two migrations left it, with a catalog in it.
        let mut old = diesel::sqlite::SqliteConnection::establish(&path).unwrap();
        old.batch_execute("PRAGMA foreign_keys = ON;").unwrap();
        for _ in 0..2 {
            old.run_next_migration(seongbun::db::SQLITE_MIGRATIONS)
                .unwrap();
        }
        // Written as the code of that time wrote it, label names and all.
        let mut sql = String::from("BEGIN;");
        for i in 1..=40 {
            sql += &format!(
                "INSERT INTO ingredients (id, key, name) VALUES ({i}, 'i{i}', 'Ing {i}');"
            );
        }
        for p in 1..=120 {
            sql += &format!(
                "INSERT INTO products (id, brand, name, category, source) \
                 VALUES ({p}, 'Old', 'Length Test {p:03}', 'serum', 'old.csv');"
            );
            for position in 0..p % 41 {
                let ingredient = 1 + (p * 7 + position) % 40;
                sql += &format!(
                    "INSERT INTO product_ingredients \
                     VALUES ({p}, {position}, {ingredient}, 'ING {ingredient}');"
                );
            }
        }
        old.batch_execute(&(sql + "COMMIT;")).unwrap();
    }
    let before = {
        let old = diesel::sqlite::SqliteConnection::establish(&path).unwrap();
        stored_links(&mut seongbun::db::Conn::Sqlite(old))
    };
    assert!(before.len() > 2_000);
    let pool = seongbun::db::open(&path).unwrap();
    let mut conn = pool.get().unwrap();
    assert_eq!(stored_links(&mut conn), before);
    #[derive(QueryableByName)]
    struct Sql {
        #[diesel(sql_type = diesel::sql_types::Text)]
        sql: String,
    }
    let table: Sql = diesel::sql_query(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'product_ingredients'",
    )
    .get_result(&mut conn)
    .unwrap();
    assert!(table.sql.contains("WITHOUT ROWID"), "{}", table.sql);
    // Deleting a product still takes its links with it.
    store::delete_product(&mut conn, 40).unwrap();
    let after = stored_links(&mut conn);
    assert_eq!(after.len(), before.len() - 40);
    assert!(after.iter().all(|(name, ..)| name != "Length Test 040"));
}

#[test]
fn reading_every_link_in_label_order_is_one_scan_without_a_sort() {
    if sqlite_only("SQLite query plans (PostgreSQL plans by table statistics)") {
        return;
    }
    use diesel::prelude::*;
    let (_dir, pool) = temp_db();
    let mut conn = pool.get().unwrap();
    #[derive(QueryableByName)]
    struct Plan {
        #[diesel(sql_type = diesel::sql_types::Text)]
        detail: String,
    }
    let plan: Vec<Plan> = diesel::sql_query(
        "EXPLAIN QUERY PLAN SELECT product_id, ingredient_id FROM product_ingredients \
         ORDER BY product_id, position",
    )
    .load(&mut conn)
    .unwrap();
    let details: Vec<&str> = plan.iter().map(|p| p.detail.as_str()).collect();
    assert_eq!(details.len(), 1, "{details:?}");
    assert!(
        details[0].starts_with("SCAN product_ingredients") && !details[0].contains("INDEX"),
        "{details:?}"
    );
}

#[test]
fn migrate_brings_a_new_database_up_to_date_and_then_has_nothing_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let database = test_database(&dir, "migrate.db");
    let (status, said) = crate::suite::process::run_command(&database, &["migrate"]);
    assert!(status.success(), "{said}");
    let migrations = match crate::BACKEND {
        crate::helpers::Backend::Sqlite => 6,
        crate::helpers::Backend::Postgres => 4,
    };
    assert!(
        said.contains(&format!("ran {migrations} migration(s)")),
        "{said}"
    );
    let (status, said) = crate::suite::process::run_command(&database, &["migrate"]);
    assert!(status.success(), "{said}");
    assert!(said.contains("the database is up to date"), "{said}");
    // The tables are there: the app opens it without migrating and finds no catalog yet.
    let pool = seongbun::db::open(&database).unwrap();
    assert_eq!(store::count_products(&mut pool.get().unwrap()).unwrap(), 0);
}
