//! A photo of a label (전성분) finds the product: the upload form on the paste page and
//! `POST /api/similar/photo`, with label photos rendered from the demo catalog's lists
//! (examples/label_photos/render.rs) and read by the real Tesseract. Bad uploads get a 4xx
//! with a clear message and leave the server fine.

use reqwest::multipart::{Form, Part};
use scraper::Html;
use serde_json::Value;

use crate::helpers::{spawn_app, texts, TestApp};
use seongbun::label_photo::{read_label_with, ReadName, SpareCores, READINGS};

use crate::label_render::{
    label_photo, label_photo_of, png_claiming, stored_sideways, LabelText, PhotoStyle, DEJAVU_SANS,
    LIBERATION_SANS, NANUM_GOTHIC, UN_DOTUM,
};

fn clear(font: &'static str) -> PhotoStyle {
    PhotoStyle::clear(font)
}

fn demo_list(brand: &str, name: &str) -> String {
    include_str!("../../src/catalog/demo_catalog.csv")
        .lines()
        .find_map(|line| {
            let mut row = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(line.as_bytes());
            let record = row.records().next()?.ok()?;
            (record.get(0)? == brand && record.get(1)? == name)
                .then(|| record.get(3).unwrap().to_string())
        })
        .unwrap_or_else(|| panic!("{brand} {name} is in the demo catalog"))
}

/// The product's list in Korean standard names where the app knows them.
async fn korean_list(app: &TestApp, id: i64) -> String {
    let (_, body) = app
        .get_json(&format!("/api/products/{id}/similar?limit=1"))
        .await;
    body["product"]["ingredients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            i["name_ko"]
                .as_str()
                .or(i["name"].as_str())
                .unwrap()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join(", ")
}

async fn upload(app: &TestApp, path: &str, bytes: Vec<u8>, file_name: &str) -> reqwest::Response {
    let form = Form::new().part("image", Part::bytes(bytes).file_name(file_name.to_string()));
    app.client
        .post(format!("{}{path}", app.address))
        .header("accept-language", "ko")
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn upload_page(app: &TestApp, bytes: Vec<u8>) -> (u16, Html) {
    let response = upload(app, "/similar/photo", bytes, "label.jpg").await;
    let status = response.status().as_u16();
    (
        status,
        Html::parse_document(&response.text().await.unwrap()),
    )
}

fn first_card(page: &Html) -> Option<String> {
    let selector = scraper::Selector::parse(".card h3 a").unwrap();
    page.select(&selector)
        .next()
        .and_then(|a| a.value().attr("href"))
        .map(str::to_string)
}

/// A demo cleanser's id and a clear photo of its English label under `heading`.
async fn cleanser_label(app: &TestApp, heading: &str) -> (i64, Vec<u8>) {
    cleanser_label_in(app, heading, &clear(DEJAVU_SANS)).await
}

const CLEANSER: (&str, &str) = ("Haneul Lab", "Low pH Gentle Gel Cleanser");

async fn cleanser_label_in(app: &TestApp, heading: &str, style: &PhotoStyle) -> (i64, Vec<u8>) {
    let (brand, name) = CLEANSER;
    let photo = label_photo(heading, &demo_list(brand, name), style);
    (app.product_id(brand, name).await, photo)
}

#[tokio::test]
async fn the_paste_page_offers_a_photo_upload_that_works_without_javascript() {
    let app = spawn_app().await;
    let (_, page) = app.page("/similar").await;
    let selector = scraper::Selector::parse(
        "form[action=\"/similar/photo\"][method=post][enctype=\"multipart/form-data\"] input[type=file][name=image][capture]",
    )
    .unwrap();
    let input = page
        .select(&selector)
        .next()
        .expect("a file field in a multipart form");
    assert!(input.value().attr("accept").unwrap().contains("image/"));
    let label = scraper::Selector::parse("label[for=label-photo]").unwrap();
    assert_eq!(page.select(&label).count(), 1);
}

#[tokio::test]
async fn an_english_label_photo_finds_its_product_first_and_shows_the_list_to_correct() {
    if crate::helpers::missing_ocr() {
        return;
    }
    let app = spawn_app().await;
    let id = app.product_id("Quiet Cica", "Cica Recovery Cream").await;
    let list = demo_list("Quiet Cica", "Cica Recovery Cream");
    let photo = label_photo("Ingredients:", &list, &clear(DEJAVU_SANS));
    let (status, page) = upload_page(&app, photo).await;
    assert_eq!(status, 200, "{:?}", texts(&page, ".error"));
    assert_eq!(first_card(&page), Some(format!("/products/{id}")));
    let kept = texts(&page, "textarea[name=ingredients]").join(" ");
    assert!(
        kept.contains("Centella") && kept.contains("Niacinamide"),
        "{kept}"
    );
}

#[tokio::test]
async fn a_korean_label_photo_turned_a_little_finds_its_product_first() {
    if crate::helpers::missing_ocr() {
        return;
    }
    let app = spawn_app().await;
    let id = app.product_id("Quiet Cica", "Cica Recovery Cream").await;
    let list = korean_list(&app, id).await;
    assert!(list.contains("정제수"), "{list}");
    let style = PhotoStyle {
        turn_degrees: 2.5,
        blur: 0.6,
        ..clear(NANUM_GOTHIC)
    };
    let (status, page) = upload_page(&app, label_photo("[전성분]", &list, &style)).await;
    assert_eq!(status, 200, "{:?}", texts(&page, ".error"));
    assert_eq!(first_card(&page), Some(format!("/products/{id}")));
}

/// `photo` of `list` finds product `id` first, its list read well: at least 7 names in 10
/// exactly, not only well enough to tell the demo catalog's few products apart.
async fn assert_read_well_and_first(app: &TestApp, photo: Vec<u8>, list: &str, id: i64) {
    let (status, page) = upload_page(app, photo).await;
    assert_eq!(status, 200, "{:?}", texts(&page, ".error"));
    assert_eq!(first_card(&page), Some(format!("/products/{id}")));
    let kept = texts(&page, "textarea[name=ingredients]").join(" ");
    let names: Vec<&str> = list.split(", ").map(str::trim).collect();
    let found = names.iter().filter(|name| kept.contains(*name)).count();
    assert!(
        found * 10 >= names.len() * 7,
        "{found} of {}: {kept}",
        names.len()
    );
}

/// A photo of the demo cica cream's Korean label in `style`, as `taken` changes it, finds the
/// cream first with its list read well.
async fn assert_korean_cica_photo_read_well(
    style: &PhotoStyle,
    taken: impl FnOnce(Vec<u8>) -> Vec<u8>,
) {
    let app = spawn_app().await;
    let id = app.product_id("Quiet Cica", "Cica Recovery Cream").await;
    let list = korean_list(&app, id).await;
    let photo = taken(label_photo("[전성분]", &list, style));
    assert_read_well_and_first(&app, photo, &list, id).await;
}

#[tokio::test]
async fn a_curved_label_on_a_bottle_finds_its_product_first() {
    if crate::helpers::missing_ocr() {
        return;
    }
    // Wrapped 57° round each side of a narrow bottle, lines bent 30 px at their ends.
    let style = PhotoStyle {
        width: 420,
        curve: 1.0,
        bend: -30.0,
        ..clear(UN_DOTUM)
    };
    // 11 of 18 names were read before lines were bent straight.
    assert_korean_cica_photo_read_well(&style, |photo| photo).await;
}

#[tokio::test]
async fn a_photo_with_glare_over_the_list_finds_its_product_first() {
    if crate::helpers::missing_ocr() {
        return;
    }
    let app = spawn_app().await;
    let (brand, name) = ("Haneul Lab", "Low pH Gentle Gel Cleanser");
    let id = app.product_id(brand, name).await;
    let style = PhotoStyle {
        width: 420,
        glare: 0.75,
        curve: 1.0,
        bend: 24.0,
        ..clear(LIBERATION_SANS)
    };
    let list = demo_list(brand, name);
    // 5 of 13 names were read with one threshold for the whole page: the stripe washed them
    // out.
    let photo = label_photo("Ingredients:", &list, &style);
    assert_read_well_and_first(&app, photo, &list, id).await;
}

#[tokio::test]
async fn a_korean_label_under_a_strong_glare_stripe_is_read_well() {
    if crate::helpers::missing_ocr() {
        return;
    }
    let style = PhotoStyle {
        width: 900,
        text_px: 26.0,
        glare: 0.8,
        noise: 6.0,
        ..clear(NANUM_GOTHIC)
    };
    // 12 of 18 names were read before the stripe was evened out: the neighbourhood threshold
    // broke the washed-out syllables in it (`글리세린` as `~(린`).
    assert_korean_cica_photo_read_well(&style, |photo| photo).await;
}

/// `photo` as its negative: light type on a dark label (a black bottle's list printed white).
fn negative_of(photo: &[u8]) -> Vec<u8> {
    let mut picture = image::load_from_memory(photo).unwrap().to_rgb8();
    image::imageops::invert(&mut picture);
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&picture)
        .unwrap();
    jpeg
}

#[tokio::test]
async fn light_type_on_a_dark_label_finds_its_product_first() {
    if crate::helpers::missing_ocr() {
        return;
    }
    assert_korean_cica_photo_read_well(&clear(NANUM_GOTHIC), |photo| negative_of(&photo)).await;
}

#[tokio::test]
async fn directions_after_the_list_naming_other_ingredients_are_not_read_as_the_list() {
    if crate::helpers::missing_ocr() {
        return;
    }
    let app = spawn_app().await;
    let (brand, name) = ("Haneul Lab", "Low pH Gentle Gel Cleanser");
    let id = app.product_id(brand, name).await;
    let list = demo_list(brand, name);
    // The cleanser holds neither niacinamide nor hyaluronic acid: the directions name them.
    assert!(!list.contains("Niacinamide") && !list.contains("Hyaluronic"));
    let label = LabelText {
        before: "Haneul Lab\nLow pH Gentle Gel Cleanser\n150 mL / 5.07 fl oz",
        heading: "Ingredients:",
        list: &list,
        after: "Directions: Massage onto damp skin and rinse. Niacinamide and Hyaluronic Acid \
                serums go on after it; Ceramide NP creams last.\n\
                Warning: For external use only. Avoid contact with eyes.",
    };
    let style = PhotoStyle {
        curve: 0.6,
        bend: 12.0,
        ..clear(DEJAVU_SANS)
    };
    let (status, page) = upload_page(&app, label_photo_of(&label, &style)).await;
    assert_eq!(status, 200, "{:?}", texts(&page, ".error"));
    assert_eq!(first_card(&page), Some(format!("/products/{id}")));
    let kept = texts(&page, "textarea[name=ingredients]").join(" ");
    assert!(kept.contains("Lauryl Glucoside"), "{kept}");
    for other in ["Niacinamide", "Hyaluronic", "Directions", "Low pH Gentle"] {
        assert!(!kept.contains(other), "{other} in {kept}");
    }
}

/// Two sister products (a lotion and a cream whose lists differ in their last name only,
/// each as rare) and a label that prints the shared part of the list: both score the same,
/// and the product named above the list comes first, in the page and in the API.
#[tokio::test]
async fn the_name_printed_above_the_list_picks_its_product_among_sisters() {
    if crate::helpers::missing_ocr() {
        return;
    }
    let shared = "Water, Glycerin, Butylene Glycol, Panthenol, Allantoin, Madecassoside, \
                  Sodium Hyaluronate, Squalane, Ceramide NP, Xanthan Gum";
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("sisters.csv");
    // The lotion comes first: on equal scores, the lower id is shown first.
    std::fs::write(
        &csv,
        format!(
            "brand,name,category,ingredients\n\
             Dalbit,Soothing Lotion,moisturizer,\"{shared}, Sea Buckthorn Fruit Oil\"\n\
             Dalbit,Soothing Cream,moisturizer,\"{shared}, Camellia Japonica Seed Oil\"\n"
        ),
    )
    .unwrap();
    let app = crate::helpers::spawn_app_importing(&[csv.to_str().unwrap()]).await;
    let lotion = app.product_id("Dalbit", "Soothing Lotion").await;
    let cream = app.product_id("Dalbit", "Soothing Cream").await;
    assert!(lotion < cream);
    let label = LabelText {
        before: "Dalbit\nSoothing Cream\n50 mL / 1.7 fl oz",
        heading: "Ingredients:",
        list: shared,
        after: "",
    };
    let photo = label_photo_of(&label, &clear(DEJAVU_SANS));

    let (status, page) = upload_page(&app, photo.clone()).await;
    assert_eq!(status, 200, "{:?}", texts(&page, ".error"));
    assert_eq!(first_card(&page), Some(format!("/products/{cream}")));

    let response = upload(&app, "/api/similar/photo", photo, "label.jpg").await;
    let body: Value = response.json().await.unwrap();
    let similar = body["similar"].as_array().unwrap();
    assert_eq!(similar[0]["id"], cream, "{body}");
    assert_eq!(similar[1]["id"], lotion, "{body}");
    assert_eq!(similar[0]["score"], similar[1]["score"], "sisters: {body}");

    // A label printing no heading over its list: the name above is read as part of the list
    // until the list's names begin, and still names the product. (Before, all of the text was
    // the list and nothing was above it: the lotion came first.)
    let unheaded = LabelText {
        heading: "",
        ..label
    };
    let response = upload(
        &app,
        "/api/similar/photo",
        label_photo_of(&unheaded, &clear(DEJAVU_SANS)),
        "label.jpg",
    )
    .await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["similar"][0]["id"], cream, "{body}");
    let text = body["text"].as_str().unwrap();
    // `Water` may go with the size line above it (a label's lines are joined by spaces).
    assert!(
        text.starts_with("Glycerin") || text.starts_with("Water"),
        "{text}"
    );
    assert!(
        !text.contains("Dalbit") && !text.contains("mL"),
        "the name is no name: {text}"
    );
}

/// A list set in two columns is read column by column: read across, each line of the left
/// column was followed by the right column's line beside it, the list's last names were
/// weighed as its first, and another product came first.
#[tokio::test]
async fn a_list_in_two_columns_is_read_column_by_column() {
    if crate::helpers::missing_ocr() {
        return;
    }
    let app = spawn_app().await;
    let style = PhotoStyle {
        width: 900,
        text_px: 36.0,
        columns: 2,
        ..clear(DEJAVU_SANS)
    };
    let (id, photo) = cleanser_label_in(&app, "Ingredients:", &style).await;
    let response = upload(&app, "/api/similar/photo", photo, "label.jpg").await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["similar"][0]["id"], id, "{body}");
    let list = demo_list(CLEANSER.0, CLEANSER.1);
    // The names come in the list's order: the left column's, then the right's.
    let names: Vec<&str> = list.split(", ").collect();
    let places: Vec<usize> = body["ingredients"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| names.iter().position(|n| i["label"].as_str() == Some(n)))
        .collect();
    assert!(places.len() >= names.len() - 2, "{body}");
    assert!(places.windows(2).all(|w| w[0] < w[1]), "{places:?}");
}

/// A second reading reads down to the list's foot only: the directions and cautions after it
/// (as long as the list on a Korean label) are not read again.
#[test]
fn a_reading_after_the_first_stops_at_the_lists_foot() {
    if crate::helpers::missing_ocr() {
        return;
    }
    let list = "정제수, 글리세린, 부틸렌글라이콜, 나이아신아마이드, 판테놀, 알란토인, \
                소듐하이알루로네이트, 카보머, 트로메타민, 에틸헥실글리세린, 아데노신";
    let label = LabelText {
        before: "하늘랩\n수분 진정 토너\n150 mL",
        heading: "[전성분]",
        list,
        after: "사용방법: 세안 후 적당량을 취해 얼굴에 부드럽게 펴 발라 흡수시켜 줍니다.\n\
                사용할 때의 주의사항: 1) 화장품 사용 시 또는 사용 후 직사광선에 의하여 \
                사용부위가 붉은 반점, 부어오름 또는 가려움증 등의 이상 증상이나 부작용이 있는 \
                경우 전문의 등과 상담할 것 2) 상처가 있는 부위 등에는 사용을 자제할 것 \
                3) 보관 및 취급 시의 주의사항: 어린이의 손이 닿지 않는 곳에 보관할 것",
    };
    let photo = label_photo_of(&label, &clear(NANUM_GOTHIC));
    // The judge finds the first read poor whatever it holds, so that a second is made.
    let judged = std::sync::Mutex::new(0);
    let understood = |_: &str| {
        let mut reads = judged.lock().unwrap();
        *reads += 1;
        let name = ReadName {
            label_name: "name".to_string(),
            known: *reads > 1,
        };
        vec![name; 30]
    };
    let (text, times) = read_label_with(&photo, &READINGS[..2], understood, &SpareCores::none());
    let text = text.expect("a read").list;
    assert_eq!(times.readings.len(), 2);
    assert_eq!(
        times.cropped, 1,
        "the second reading stops at the list's foot"
    );
    // The crop loses none of the list: its last line is above the cut.
    assert!(
        text.contains("아데노신"),
        "the list's last name is kept: {text}"
    );
}

/// With a core to spare, the readings after the first run side by side and are weighed in
/// their order: the label reads as it does in turn, each spare core is given back, and with
/// none to spare the readings run in turn.
#[test]
fn later_readings_run_side_by_side_on_a_spare_core_and_read_as_in_turn() {
    if crate::helpers::missing_ocr() {
        return;
    }
    let list = "Water, Glycerin, Butylene Glycol, Niacinamide, Panthenol, Allantoin, \
                Sodium Hyaluronate, Carbomer, Tromethamine, Ethylhexylglycerin, Adenosine";
    let label = LabelText {
        before: "",
        heading: "Ingredients:",
        list,
        after: "",
    };
    let photo = label_photo_of(&label, &clear(NANUM_GOTHIC));
    // Names read right are known, yet every read is judged poor (three unknown names follow
    // each), so that each reading is made and the one reading most names right is kept.
    let understood = |read: &str| {
        let unknown = ReadName {
            label_name: "name".to_string(),
            known: false,
        };
        read.split(',')
            .flat_map(|name| {
                let read = ReadName {
                    label_name: name.trim().to_string(),
                    known: list.split(", ").any(|n| n.trim() == name.trim()),
                };
                std::iter::once(read).chain(std::iter::repeat_n(unknown.clone(), 3))
            })
            .collect()
    };
    let cores = seongbun::job_queue::JobQueue::new(1, 0);
    let spare = SpareCores::taken_by(|| cores.spare_core());
    let (beside, times) = read_label_with(&photo, READINGS, understood, &spare);
    assert_eq!(times.readings.len(), READINGS.len());
    assert_eq!(
        times.beside,
        READINGS.len() - 1,
        "the second and third side by side"
    );
    assert!(cores.spare_core().is_some(), "the spare core is given back");
    let (in_turn, times) = read_label_with(&photo, READINGS, understood, &SpareCores::none());
    assert_eq!(times.readings.len(), READINGS.len());
    assert_eq!(times.beside, 0);
    assert_eq!(beside.expect("a read"), in_turn.expect("a read"));
}

#[tokio::test]
async fn a_photo_stored_sideways_is_turned_upright_by_its_exif_orientation() {
    if crate::helpers::missing_ocr() {
        return;
    }
    let app = spawn_app().await;
    let (id, upright) = cleanser_label(&app, "Ingredients:").await;
    let sideways = stored_sideways(&upright, true);
    let stored = image::load_from_memory(&sideways).unwrap();
    let shown = image::load_from_memory(&upright).unwrap();
    assert_eq!(
        (stored.width(), stored.height()),
        (shown.height(), shown.width()),
        "the pixels are stored turned"
    );
    let (status, page) = upload_page(&app, sideways).await;
    assert_eq!(status, 200, "{:?}", texts(&page, ".error"));
    assert_eq!(first_card(&page), Some(format!("/products/{id}")));
    // The same pixels without the tag are read sideways, and that finds nothing like it.
    let (_, page) = upload_page(&app, stored_sideways(&upright, false)).await;
    assert_ne!(first_card(&page), Some(format!("/products/{id}")));
}

#[tokio::test]
async fn the_api_reads_a_photo_into_text_ingredients_and_similar_products() {
    if crate::helpers::missing_ocr() {
        return;
    }
    let app = spawn_app().await;
    let (id, photo) = cleanser_label(&app, "INGREDIENTS:").await;
    let form = Form::new()
        .part("image", Part::bytes(photo).file_name("label.jpg"))
        .text("limit", "2");
    let response = app
        .client
        .post(format!("{}/api/similar/photo", app.address))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["text"].as_str().unwrap().contains("Glycerin"),
        "{body}"
    );
    let ingredients = body["ingredients"].as_array().unwrap();
    assert!(ingredients.len() >= 10, "{body}");
    assert!(ingredients.iter().all(|i| i["label"].is_string()));
    let known = ingredients
        .iter()
        .filter(|i| i["ingredient_id"].is_i64())
        .count();
    assert!(
        known * 10 >= ingredients.len() * 9,
        "most are known: {body}"
    );
    let similar = body["similar"].as_array().unwrap();
    assert_eq!(similar.len(), 2);
    assert_eq!(similar[0]["id"], id);
}

/// A photo with no text at all, an image that is not one, a cut-off JPEG, a decompression
/// bomb and a file over 10 MB: each a 4xx with its message, and the site fine afterwards.
#[tokio::test]
async fn bad_photos_get_a_clear_4xx_and_the_server_is_fine_afterwards() {
    if crate::helpers::missing_ocr() {
        return;
    }
    let app = spawn_app().await;
    let blank = {
        let style = clear(DEJAVU_SANS);
        label_photo("", "", &style)
    };
    let jpeg = label_photo("Ingredients:", "Water, Glycerin", &clear(DEJAVU_SANS));
    let truncated = jpeg[..jpeg.len() / 3].to_vec();
    let mut eleven_mb = jpeg.clone();
    eleven_mb.resize(11 * 1024 * 1024, 0);
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        ("no text", blank, 400, "글자를 찾지 못했습니다"),
        (
            "not an image",
            b"%PDF-1.4 not a photo".to_vec(),
            415,
            "JPEG, PNG, WebP",
        ),
        ("a truncated JPEG", truncated, 400, "깨져"),
        (
            "a 20,000 x 20,000 PNG",
            png_claiming(20_000, 20_000),
            413,
            "화소",
        ),
        ("an 11 MB file", eleven_mb, 413, "10 MB"),
    ];
    for (what, bytes, status, says) in cases {
        let (got, page) = upload_page(&app, bytes).await;
        assert_eq!(got, status, "{what}");
        let errors = texts(&page, "#label-photo-error").join(" ");
        assert!(errors.contains(says), "{what}: {errors}");
        let (_, home) = app.page("/").await;
        assert!(
            !texts(&home, "h1").is_empty(),
            "the site answers after {what}"
        );
    }
    let api = upload(&app, "/api/similar/photo", b"GIF89a".to_vec(), "x.gif").await;
    assert_eq!(api.status().as_u16(), 415);
    let body: Value = api.json().await.unwrap();
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("JPEG, PNG and WebP"));
}
