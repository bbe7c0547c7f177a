//! The file formats seongbun imports, each recognised by its header, each read into products or
//! ingredient references. Reading never touches the database: a file is read whole first, so a
//! malformed one imports nothing.

use std::collections::BTreeMap;

use crate::catalog::category::category_from_source;
use crate::catalog::model::NewProduct;
use crate::catalog::store::ReferenceKind;

use super::pylist::parse_python_list;
use super::ImportError;

/// What a file holds once read.
#[derive(Debug)]
pub enum FileContents {
    Products {
        format: &'static str,
        products: Vec<NewProduct>,
        /// Rows not imported, by reason.
        skipped: Skipped,
    },
    References {
        format: &'static str,
        sets: Vec<(ReferenceKind, Vec<(String, String)>)>,
    },
}

/// Rows not imported: the reason, and the line of each row (its first line in the file).
pub type Skipped = BTreeMap<String, Vec<u64>>;

/// Reads a file's text, recognising its format by its header.
pub fn read_contents(path: &str, text: &str) -> Result<FileContents, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if path.ends_with(".json") || text.trim_start().starts_with('{') {
        return read_korean_variants(path, text);
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| malformed(path, &e))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let has = |names: &[&str]| names.iter().all(|n| header.iter().any(|h| h == n));
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| malformed(path, &e))?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let fields: BTreeMap<&str, &str> = header
            .iter()
            .map(String::as_str)
            .zip(record.iter())
            .collect();
        rows.push((
            line,
            fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>(),
        ));
    }
    let source = file_name(path);
    if has(&["label", "brand", "name", "price", "ingredients"]) {
        read_products(path, "Sephora cosmetics.csv", rows, |row| {
            Ok(sephora_cosmetics(row, &source))
        })
    } else if has(&[
        "product_id",
        "product_name",
        "brand_name",
        "ingredients",
        "primary_category",
    ]) {
        read_products(path, "Sephora product_info.csv", rows, |row| {
            sephora_product_info(row, &source)
        })
    } else if has(&[
        "product_id",
        "category",
        "brand",
        "product_name",
        "ingredient",
    ]) {
        read_products(path, "Olive Young", rows, |row| {
            Ok(olive_young(row, &source))
        })
    } else if has(&["brand", "name", "category", "ingredients"]) {
        read_products(path, "seongbun generic", rows, |row| generic(row, &source))
    } else if has(&["std_name_ko", "std_name_en"]) {
        Ok(kcia_dictionary(rows))
    } else if has(&["inci_name", "function"]) {
        Ok(cosing_functions(rows))
    } else {
        Err(ImportError::UnknownFormat {
            path: path.to_string(),
            header: header.join(","),
        })
    }
}

type Row = BTreeMap<String, String>;

/// A row's outcome: a product, or the reason it was skipped.
type RowResult = Result<NewProduct, String>;

/// Reads product rows; a row the reader cannot make sense of at all is an error with its line.
fn read_products(
    path: &str,
    format: &'static str,
    rows: Vec<(u64, Row)>,
    read: impl Fn(&Row) -> Result<RowResult, String>,
) -> Result<FileContents, ImportError> {
    let mut products = Vec::new();
    let mut skipped = Skipped::new();
    let mut first_line_of: std::collections::HashMap<(String, String), u64> = Default::default();
    for (line, row) in rows {
        let outcome = read(&row).map_err(|message| ImportError::Malformed {
            path: path.to_string(),
            line,
            message,
        })?;
        match outcome {
            Ok(product) => {
                let identity = (product.brand.clone(), product.name.clone());
                if first_line_of.contains_key(&identity) {
                    skipped
                        .entry("same brand and name as an earlier row".to_string())
                        .or_default()
                        .push(line);
                    continue;
                }
                first_line_of.insert(identity, line);
                products.push(product);
            }
            Err(reason) => skipped.entry(reason).or_default().push(line),
        }
    }
    Ok(FileContents::Products {
        format,
        products,
        skipped,
    })
}

fn field<'a>(row: &'a Row, name: &str) -> &'a str {
    row.get(name).map(|s| s.trim()).unwrap_or("")
}

/// Brand and name exactly as the source writes them (a product is its brand + name).
fn required_identity(row: &Row, brand: &str, name: &str) -> Result<(String, String), String> {
    let verbatim = |column: &str| row.get(column).cloned().unwrap_or_default();
    let (brand, name) = (verbatim(brand), verbatim(name));
    if brand.trim().is_empty() || name.trim().is_empty() {
        return Err("missing brand or name".to_string());
    }
    Ok((brand, name))
}

fn price_cents(text: &str) -> Option<i32> {
    let value: f64 = text
        .trim()
        .trim_start_matches('$')
        .replace(',', "")
        .parse()
        .ok()?;
    (0.0..10_000_000.0)
        .contains(&value)
        .then(|| (value * 100.0).round() as i32)
}

/// A product with no price or aliases yet.
fn product(
    brand: String,
    name: String,
    category: &str,
    ingredients_raw: String,
    source: &str,
) -> NewProduct {
    NewProduct {
        brand,
        name,
        category: category.to_string(),
        price_cents: None,
        currency: String::new(),
        aliases: Vec::new(),
        ingredients_raw,
        source: source.to_string(),
    }
}

/// Sephora prices are US dollars; an unreadable one is no price.
fn with_usd_price(mut product: NewProduct, text: &str) -> NewProduct {
    product.price_cents = price_cents(text);
    if product.price_cents.is_some() {
        product.currency = "USD".to_string();
    }
    product
}

fn sephora_cosmetics(row: &Row, source: &str) -> RowResult {
    let (brand, name) = required_identity(row, "brand", "name")?;
    let category = category_from_source(field(row, "label"));
    let ingredients = field(row, "ingredients").to_string();
    Ok(with_usd_price(
        product(brand, name, category, ingredients, source),
        field(row, "price"),
    ))
}

fn sephora_product_info(row: &Row, source: &str) -> Result<RowResult, String> {
    let (brand, name) = match required_identity(row, "brand_name", "product_name") {
        Ok(identity) => identity,
        Err(reason) => return Ok(Err(reason)),
    };
    let raw_list = field(row, "ingredients");
    let ingredients = if raw_list.is_empty() {
        String::new()
    } else {
        parse_python_list(raw_list)
            .map_err(|e| format!("the ingredients column is not a list literal: {e}"))?
            .join("\n")
    };
    let category = match field(row, "primary_category") {
        "Skincare" | "Mini Size" | "Men" | "" => category_from_source(&format!(
            "{} > {}",
            field(row, "secondary_category"),
            field(row, "tertiary_category")
        )),
        other => category_from_source(other),
    };
    let product = product(brand, name, category, ingredients, source);
    Ok(Ok(with_usd_price(product, field(row, "price_usd"))))
}

fn olive_young(row: &Row, source: &str) -> RowResult {
    let (brand, name) = required_identity(row, "brand", "product_name")?;
    let category = category_from_source(field(row, "category"));
    Ok(product(
        brand,
        name,
        category,
        field(row, "ingredient").to_string(),
        source,
    ))
}

fn generic(row: &Row, source: &str) -> Result<RowResult, String> {
    let (brand, name) = match required_identity(row, "brand", "name") {
        Ok(identity) => identity,
        Err(reason) => return Ok(Err(reason)),
    };
    let price_text = field(row, "price");
    let price = price_cents(price_text);
    if !price_text.is_empty() && price.is_none() {
        return Err(format!("price \"{price_text}\" is not a number"));
    }
    let category_text = field(row, "category");
    let category = if crate::catalog::category::CATEGORIES.contains(&category_text) {
        category_text
    } else {
        category_from_source(category_text)
    };
    let currency = match (price, field(row, "currency")) {
        (None, _) => String::new(),
        (Some(_), "") => "USD".to_string(),
        (Some(_), code) => code.to_uppercase(),
    };
    let mut product = product(
        brand,
        name,
        category,
        field(row, "ingredients").to_string(),
        source,
    );
    product.price_cents = price;
    product.currency = currency;
    product.aliases = field(row, "aliases")
        .split('|')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .collect();
    Ok(Ok(product))
}

/// KCIA: standard Korean name → INCI; its `old_name_en` column really holds the old Korean
/// name (see ../shared/data/README.md), which becomes a spelling variant.
fn kcia_dictionary(rows: Vec<(u64, Row)>) -> FileContents {
    let mut names = Vec::new();
    let mut variants = Vec::new();
    for (_, row) in rows {
        let (korean, inci) = (field(&row, "std_name_ko"), field(&row, "std_name_en"));
        if korean.is_empty() || inci.is_empty() {
            continue;
        }
        names.push((korean.to_string(), inci.to_string()));
        let old_korean = field(&row, "old_name_en");
        if crate::text::has_hangul(old_korean) && old_korean != korean {
            variants.push((old_korean.to_string(), korean.to_string()));
        }
    }
    FileContents::References {
        format: "KCIA dictionary",
        sets: vec![
            (ReferenceKind::KoreanName, dedupe(names)),
            (ReferenceKind::KoreanVariant, dedupe(variants)),
        ],
    }
}

fn cosing_functions(rows: Vec<(u64, Row)>) -> FileContents {
    let pairs = rows
        .into_iter()
        .map(|(_, row)| {
            (
                field(&row, "inci_name").to_string(),
                field(&row, "function").to_string(),
            )
        })
        .filter(|(inci, functions)| !inci.is_empty() && !functions.is_empty())
        .collect();
    FileContents::References {
        format: "CosIng functions",
        sets: vec![(ReferenceKind::Functions, dedupe(pairs))],
    }
}

fn read_korean_variants(path: &str, text: &str) -> Result<FileContents, ImportError> {
    let map: BTreeMap<String, String> =
        serde_json::from_str(text).map_err(|e| ImportError::Malformed {
            path: path.to_string(),
            line: e.line() as u64,
            message: format!("not a JSON object of Korean spellings: {e}"),
        })?;
    let pairs = map
        .into_iter()
        .map(|(variant, standard)| (variant.replace("_C_", ","), standard))
        .filter(|(variant, standard)| variant != standard)
        .collect();
    Ok(FileContents::References {
        format: "KCIA Korean spelling variants",
        sets: vec![(ReferenceKind::KoreanVariant, pairs)],
    })
}

/// Keeps the first value of each repeated term.
fn dedupe(pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut seen = std::collections::HashSet::new();
    pairs
        .into_iter()
        .filter(|(term, _)| seen.insert(term.clone()))
        .collect()
}

fn malformed(path: &str, error: &csv::Error) -> ImportError {
    let line = error.position().map(|p| p.line()).unwrap_or(0);
    let message = match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("expected {expected_len} fields, found {len}")
        }
        csv::ErrorKind::Utf8 { .. } => "the text is not valid UTF-8".to_string(),
        _ => error.to_string(),
    };
    ImportError::Malformed {
        path: path.to_string(),
        line,
        message,
    }
}

fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_format_reads_aliases_price_and_category() {
        let csv = "brand,name,category,ingredients,price,currency,aliases\n\
                   Demo,Cream,moisturizer,\"Water, Glycerin\",12.50,KRW,데모 크림|Cream One\n";
        let FileContents::Products {
            products, skipped, ..
        } = read_contents("x.csv", csv).unwrap()
        else {
            panic!("expected products")
        };
        assert!(skipped.is_empty());
        assert_eq!(products[0].aliases, ["데모 크림", "Cream One"]);
        assert_eq!(products[0].price_cents, Some(1250));
        assert_eq!(products[0].currency, "KRW");
        assert_eq!(products[0].category, "moisturizer");
    }

    #[test]
    fn a_malformed_row_is_an_error_with_its_line() {
        let csv = "brand,name,category,ingredients\nA,B,mask,Water\nC,D,mask\n";
        match read_contents("bad.csv", csv) {
            Err(ImportError::Malformed { line, .. }) => assert_eq!(line, 3),
            other => panic!("expected a malformed-file error, got {other:?}"),
        }
        let csv = "brand,name,category,ingredients,price\nA,B,mask,Water,cheap\n";
        assert!(matches!(
            read_contents("bad.csv", csv),
            Err(ImportError::Malformed { line: 2, .. })
        ));
    }

    #[test]
    fn repeated_brand_and_name_in_one_file_is_skipped_with_its_line() {
        let csv = "brand,name,category,ingredients\nA,B,mask,Water\nA,B,mask,Glycerin\n";
        let FileContents::Products {
            products, skipped, ..
        } = read_contents("x.csv", csv).unwrap()
        else {
            panic!()
        };
        assert_eq!(products.len(), 1);
        assert_eq!(
            skipped.get("same brand and name as an earlier row"),
            Some(&vec![3])
        );
    }

    #[test]
    fn an_unknown_header_is_refused() {
        assert!(matches!(
            read_contents("x.csv", "a,b\n1,2\n"),
            Err(ImportError::UnknownFormat { .. })
        ));
    }
}
