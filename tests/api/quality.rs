//! The quality bar: the query sets of ../shared/eval against the real server with the Sephora
//! 1,472 set, the Olive Young set and the KCIA dictionary imported. Each set's pass rate is
//! printed; the assertions hold the floor the current matcher reaches (see README: the misses
//! left are exact ties).

use serde_json::{json, Value};

use crate::helpers::{
    spawn_app_importing, urlencode, KCIA_DICTIONARY, KCIA_VARIANTS, OLIVE_YOUNG, SEPHORA_1472,
};

fn read_set(name: &str) -> Vec<Value> {
    std::fs::read_to_string(format!("../shared/eval/{name}.jsonl"))
        .expect("the eval set is beside the repository")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn identity(v: &Value) -> (String, String) {
    (
        v["brand"].as_str().unwrap().to_string(),
        v["name"].as_str().unwrap().to_string(),
    )
}

#[tokio::test]
async fn the_eval_query_sets_pass_the_quality_bar() {
    let app =
        spawn_app_importing(&[SEPHORA_1472, OLIVE_YOUNG, KCIA_DICTIONARY, KCIA_VARIANTS]).await;
    let mut report = Vec::new();
    for set in ["dev_names", "dev_ko_names"] {
        let queries = read_set(set);
        let mut passed = 0;
        for q in &queries {
            let (_, body) = app
                .get_json(&format!(
                    "/api/search?q={}",
                    urlencode(q["query"].as_str().unwrap())
                ))
                .await;
            match body["matches"].get(0) {
                Some(first) if identity(first) == identity(q) => passed += 1,
                other => eprintln!("{set} miss: {} -> {:?}", q["query"], other.map(identity)),
            }
        }
        report.push((set, passed, queries.len()));
    }
    for set in ["dev_paste", "dev_ko_paste", "dev_xlang_paste"] {
        let queries = read_set(set);
        let mut passed = 0;
        for q in &queries {
            let (_, body) = app
                .post_json(
                    "/api/similar",
                    &json!({ "ingredients": q["ingredients"], "limit": 4 }),
                )
                .await;
            let accepted: Vec<(String, String)> = q["accept"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| {
                    (
                        a[0].as_str().unwrap().to_string(),
                        a[1].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            match body["similar"].get(0) {
                Some(first) if accepted.contains(&identity(first)) => passed += 1,
                other => eprintln!("{set} miss: {:?} -> {:?}", identity(q), other.map(identity)),
            }
        }
        report.push((set, passed, queries.len()));
    }
    for (set, passed, total) in &report {
        eprintln!(
            "{set}: {passed}/{total} = {:.1}%",
            100.0 * *passed as f64 / *total as f64
        );
    }
    for (set, passed, total) in report {
        let rate = passed as f64 / total as f64;
        let floor = if set == "dev_names" { 0.95 } else { 0.98 };
        assert!(rate >= floor, "{set}: {passed}/{total} is below {floor}");
    }
}
