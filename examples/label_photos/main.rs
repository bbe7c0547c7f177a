//! The OCR dev set: label photos rendered from the real catalogs' lists (`render.rs`), read
//! by the app's own pipeline (`label_photo::read_label_with`), answered as a pasted list; reports
//! how often the product (or one with its identical formula) comes first, and seconds an
//! image.
//!
//!   cargo run --release --example label_photos -- [COUNT_PER_LANGUAGE] [DATA_DIR] [OUT_DIR]
//!
//! The dev set is every 7th product with a list, counted from the 4th (id % 7 == 3); any
//! tuning of the image preparation is done on other products (id % 7 == 0, `LABEL_SET=tune`).
//! `LABEL_READINGS=45:6:s,60:4:o` tries other readings (line pitch:page mode:threshold, s for
//! Sauvola and o for Otsu, in turn; optionally the models and the light) than the app's;
//! `LABEL_ONLY=1571,1669` reads only those products' photos, in the styles they have in the run;
//! `LABEL_TRACE=1` prints each photo's readings, seconds and whether it came first;
//! `LABEL_CORES=1` reads each photo on one core (later readings in turn, not side by side).

// Shared with the tests, which use more of it than the report does.
#[allow(dead_code)]
mod render;

use std::time::Instant;

use seongbun::ingredients::PastedText;
use seongbun::label_photo::ocr::{Languages, Threshold};
use seongbun::label_photo::prepare::Light;
use seongbun::label_photo::{read_label_with, Reading, SpareCores, StepTimes, READINGS};
use seongbun::live_catalog::CatalogIndex;

const FILES: [&str; 4] = [
    "sephora_cosmetics_1472.csv",
    "oliveyoung_kr_skincare_1252.csv",
    "kcia_ingredient_dict_ko_en.csv",
    "kcia_ko_name_variants.json",
];

/// What a label prints besides its list: its size, and after the list directions and
/// cautions that name ingredients of their own.
const VOLUMES: [&str; 3] = ["50 mL / 1.7 fl oz", "150 mL", "30 g"];
const AFTER_EN: &str =
    "Directions: After cleansing, smooth over face and neck morning and evening. \
     Niacinamide and Hyaluronic Acid help the skin hold water; Ceramide NP supports its barrier.\n\
     Warning: For external use only. Avoid contact with eyes. Stop use if irritation occurs. \
     Keep out of reach of children.";
const AFTER_KO: &str = "사용방법: 세안 후 적당량을 취해 얼굴에 부드럽게 펴 발라 흡수시켜 줍니다. \
     나이아신아마이드와 히알루론산이 피부에 수분을 채워 줍니다.\n\
     사용할 때의 주의사항: 1) 화장품 사용 시 또는 사용 후 직사광선에 의하여 사용부위가 붉은 반점, \
     부어오름 또는 가려움증 등의 이상 증상이나 부작용이 있는 경우 전문의 등과 상담할 것 \
     2) 상처가 있는 부위 등에는 사용을 자제할 것";

fn main() {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(60);
    let data = args.next().unwrap_or_else(|| "../shared/data".to_string());
    let out = args.next();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = dir.path().join("labels.db");
    let pool = seongbun::db::open(url.to_str().expect("a UTF-8 path")).expect("the database");
    let mut conn = pool.get().expect("a connection");
    for file in FILES {
        let path = format!("{data}/{file}");
        seongbun::catalog::import::import_file(&mut conn, &path)
            .unwrap_or_else(|e| panic!("importing {path}: {e}"));
    }
    let catalog = CatalogIndex::load(&mut conn).expect("the catalog");
    // LABEL_SET=tune measures the products tuned on instead of the dev set.
    let set = if std::env::var("LABEL_SET").is_ok_and(|s| s == "tune") {
        0
    } else {
        3
    };
    // LABEL_READINGS=45:6:s,60:4:o (line pitch:page mode:threshold, Sauvola or Otsu, in
    // turn; then optionally the models, kor, eng or kor+eng, and the light, g for a glare
    // stripe only or e for evened across) compares other readings.
    let readings: Vec<Reading> = match std::env::var("LABEL_READINGS") {
        Ok(list) => list
            .split(',')
            .map(|r| {
                let parts: Vec<&str> = r.split(':').collect();
                let (pitch, mode, threshold, languages, light) = match parts[..] {
                    [pitch, mode, threshold] => (pitch, mode, threshold, "kor+eng", "g"),
                    [pitch, mode, threshold, languages] => (pitch, mode, threshold, languages, "g"),
                    [pitch, mode, threshold, languages, light] => {
                        (pitch, mode, threshold, languages, light)
                    }
                    _ => panic!("pitch:mode:threshold[:languages[:light]], not {r}"),
                };
                Reading {
                    line_pitch: pitch.parse().expect("a line pitch"),
                    page_mode: mode.parse().expect("a page mode"),
                    threshold: if threshold == "s" {
                        Threshold::Sauvola
                    } else {
                        Threshold::Otsu
                    },
                    languages: match languages {
                        "kor" => Languages::Korean,
                        "eng" => Languages::English,
                        _ => Languages::KoreanAndEnglish,
                    },
                    light: if light == "e" {
                        Light::Evened
                    } else {
                        Light::GlareOnly
                    },
                }
            })
            .collect(),
        Err(_) => READINGS.to_vec(),
    };
    // LABEL_ONLY=1571,1669 reads only those products' photos (in the styles they have in the
    // whole run): for looking at one miss.
    let only: Option<Vec<i32>> = std::env::var("LABEL_ONLY").ok().map(|ids| {
        ids.split(',')
            .filter_map(|id| id.trim().parse().ok())
            .collect()
    });
    // The cores beside the photo's own its later readings may take, as the server lends them
    // when no other photo is being read: all but one, or LABEL_CORES=1 for readings in turn.
    let cores = std::env::var("LABEL_CORES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(seongbun::job_queue::cores);
    let spare_cores = seongbun::job_queue::JobQueue::new(cores.saturating_sub(1), 0);
    // LABEL_TRACE=1 prints each photo's readings, seconds and whether it came first.
    let trace = std::env::var("LABEL_TRACE").is_ok();
    if let Some(out) = &out {
        std::fs::create_dir_all(out).expect("the output folder");
    }
    for korean in [false, true] {
        let mut products: Vec<_> = catalog
            .products()
            .iter()
            .filter(|p| p.no_ingredients_reason.is_none() && p.id % 7 == set)
            .filter(|p| p.source.contains("oliveyoung") == korean)
            .collect();
        products.sort_by_key(|p| p.id);
        products.truncate(count);
        let (mut first, mut seconds, mut misses) = (0usize, Vec::new(), Vec::new());
        let mut steps = StepSums::default();
        for (n, product) in products.iter().enumerate() {
            if only.as_ref().is_some_and(|ids| !ids.contains(&product.id)) {
                continue;
            }
            let names: Vec<String> = catalog
                .ingredients_of(product.id)
                .into_iter()
                .map(|i| match (korean, &i.name_ko) {
                    (true, Some(ko)) => ko.clone(),
                    _ => i.name.clone(),
                })
                .collect();
            let heading = if korean {
                "[전성분]"
            } else {
                "Ingredients:"
            };
            let style = render::PhotoStyle::varied(n as u64, korean);
            let list = names.join(", ");
            // Every other label is printed whole: the name above, directions and cautions
            // (which name ingredients too) below.
            let (before, after) = if n % 2 == 0 {
                let before = format!("{}\n{}\n{}", product.brand, product.name, VOLUMES[n % 3]);
                (
                    before,
                    (if korean { AFTER_KO } else { AFTER_EN }).to_string(),
                )
            } else {
                (String::new(), String::new())
            };
            let text = render::LabelText {
                before: &before,
                heading,
                list: &list,
                after: &after,
            };
            let jpeg = render::label_photo_of(&text, &style);
            if let Some(out) = &out {
                let lang = if korean { "ko" } else { "en" };
                std::fs::write(format!("{out}/{lang}-{}.jpg", product.id), &jpeg).unwrap();
            }
            let started = Instant::now();
            let understood = |list: &str| catalog.names_known(list);
            let spare = SpareCores::taken_by(|| spare_cores.spare_core());
            let (label, times) = read_label_with(&jpeg, &readings, understood, &spare);
            let matching = Instant::now();
            let label = label.unwrap_or_default();
            let read = label.list.clone();
            let ranked: Vec<(i32, String)> = PastedText::parse(&label.list)
                .ok()
                .map(|pasted| catalog.similar_to_label(&pasted, 3, &label.above).1)
                .unwrap_or_default()
                .iter()
                .map(|f| {
                    let p = f.product;
                    (
                        p.id,
                        format!("{} {} {} ({:.3})", p.id, p.brand, p.name, f.score),
                    )
                })
                .collect();
            let found = ranked.first().map(|(id, _)| *id);
            steps.add(&times, matching.elapsed());
            seconds.push(started.elapsed().as_secs_f64());
            let twins: Vec<i32> = catalog
                .same_formula_as(product.id)
                .iter()
                .map(|p| p.id)
                .collect();
            let is_first = found.is_some_and(|id| id == product.id || twins.contains(&id));
            if trace {
                eprintln!(
                    "  photo {} readings {} seconds {:.2} first {is_first}",
                    product.id,
                    times.readings.len(),
                    started.elapsed().as_secs_f64()
                );
            }
            if is_first {
                first += 1;
            } else {
                misses.push(format!(
                    "{} {} {} ({}, {} px, {} wide, curve {} bend {}, glare {}, capture {}, {} columns, whole label {}): first {found:?}\n    ranked: {}\n    read: {read}\n    list: {}",
                    product.id,
                    product.brand,
                    product.name,
                    style.font.rsplit('/').next().unwrap_or_default(),
                    style.text_px,
                    style.width,
                    style.curve,
                    style.bend,
                    style.glare,
                    style.capture_scale,
                    style.columns,
                    !before.is_empty(),
                    ranked.iter().map(|(_, r)| r.as_str()).collect::<Vec<_>>().join("; "),
                    names.join(", ")
                ));
            }
        }
        seconds.sort_by(f64::total_cmp);
        let at = |q: f64| {
            seconds
                .get(((seconds.len() as f64 - 1.0) * q).round() as usize)
                .copied()
                .unwrap_or(0.0)
        };
        println!(
            "| {} | {} | {:.1} % ({first}/{}) | {:.2} s | {:.2} s |",
            if korean {
                "Korean (Olive Young)"
            } else {
                "English (Sephora)"
            },
            seconds.len(),
            100.0 * first as f64 / seconds.len().max(1) as f64,
            seconds.len(),
            at(0.5),
            at(0.9)
        );
        steps.print(seconds.len());
        for miss in &misses {
            eprintln!("  missed: {miss}");
        }
    }
}

/// The time of each step summed over a language's photos.
#[derive(Default)]
struct StepSums {
    decode: f64,
    prepare: f64,
    /// For each reading in turn: how many photos were read that way, and the seconds it took.
    readings: Vec<(usize, f64)>,
    /// How many readings read only the list's rows.
    cropped: usize,
    /// How many readings ran beside another, on a spare core.
    beside: usize,
    judge: f64,
    matching: f64,
}

impl StepSums {
    fn add(&mut self, times: &StepTimes, matching: std::time::Duration) {
        self.decode += times.decode.as_secs_f64();
        self.prepare += times.prepare.as_secs_f64();
        for (n, took) in times.readings.iter().enumerate() {
            if self.readings.len() <= n {
                self.readings.push((0, 0.0));
            }
            self.readings[n].0 += 1;
            self.readings[n].1 += took.as_secs_f64();
        }
        self.cropped += times.cropped;
        self.beside += times.beside;
        self.judge += times.judge.as_secs_f64();
        self.matching += matching.as_secs_f64();
    }

    /// One line: each step's mean seconds a photo (a reading's over the photos it ran on).
    fn print(&self, photos: usize) {
        let photos = photos.max(1) as f64;
        let readings: Vec<String> = self
            .readings
            .iter()
            .enumerate()
            .map(|(n, (count, sum))| {
                format!(
                    "reading {} on {count}: {:.2} s",
                    n + 1,
                    sum / (*count).max(1) as f64
                )
            })
            .collect();
        println!(
            "|   steps, mean a photo | decode {:.3} s | prepare {:.3} s | {} | cropped {} | side by side {} | judging {:.3} s | matching {:.4} s |",
            self.decode / photos,
            self.prepare / photos,
            readings.join(" | "),
            self.cropped,
            self.beside,
            self.judge / photos,
            self.matching / photos,
        );
    }
}
