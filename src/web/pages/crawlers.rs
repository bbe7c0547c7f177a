//! What search engines read: `robots.txt` and the sitemaps listing every product page.
//!
//! The sitemap protocol allows 50,000 addresses a file, so `/sitemap.xml` is an index of
//! several: the site's own pages, then the products by id, 50,000 to a file.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use crate::app_state::AppState;
use crate::i18n::Message;
use crate::web::errors::PageError;
use crate::web::pages::head::Origin;

/// The protocol's limit of addresses in one sitemap file.
pub const ADDRESSES_PER_SITEMAP: usize = 50_000;

/// The pages that are not a product's, worth a search engine's visit.
const SITE_PAGES: &[&str] = &["/", "/similar", "/board"];

/// Sitemaps change with the catalog; a crawler may keep one for an hour.
const CACHE: &str = "public, max-age=3600";

pub async fn robots(origin: Origin) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, CACHE))
        .body(robots_txt(&origin))
}

/// Everything but the admin's pages, the language switch (a redirect) and the JSON API.
pub fn robots_txt(origin: &Origin) -> String {
    format!(
        "User-agent: *\nDisallow: /admin\nDisallow: /lang/\nDisallow: /api/\n\nSitemap: {}\n",
        origin.absolute("/sitemap.xml")
    )
}

pub async fn sitemap_index(origin: Origin, state: web::Data<AppState>) -> HttpResponse {
    let products = state.catalog.snapshot().product_count();
    xml(sitemap_index_xml(&origin, products, ADDRESSES_PER_SITEMAP))
}

/// `/sitemaps/pages.xml` or `/sitemaps/products-{n}.xml` (from 1).
pub async fn sitemap(
    origin: Origin,
    name: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    if name.as_str() == "pages.xml" {
        let paths = SITE_PAGES.iter().map(|p| p.to_string());
        return Ok(xml(urlset_xml(&origin, paths)));
    }
    let no_such = || {
        PageError::not_found(Message::new(
            "그런 사이트맵이 없습니다.",
            "No such sitemap.",
        ))
    };
    let part = name
        .strip_prefix("products-")
        .and_then(|n| n.strip_suffix(".xml"))
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|n| *n >= 1)
        .ok_or_else(no_such)?;
    let index = state.catalog.snapshot();
    let ids = product_ids_in_part(
        index.products().iter().map(|p| p.id),
        part,
        ADDRESSES_PER_SITEMAP,
    )
    .ok_or_else(no_such)?;
    let paths = ids.into_iter().map(|id| format!("/products/{id}"));
    Ok(xml(urlset_xml(&origin, paths)))
}

fn xml(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/xml; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, CACHE))
        .body(body)
}

/// The index: the site's pages, then one sitemap per `per_file` products.
pub fn sitemap_index_xml(origin: &Origin, products: usize, per_file: usize) -> String {
    let parts = products.div_ceil(per_file);
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let names = std::iter::once("pages.xml".to_string())
        .chain((1..=parts).map(|n| format!("products-{n}.xml")));
    for name in names {
        let loc = escape(&origin.absolute(&format!("/sitemaps/{name}")));
        out.push_str(&format!("  <sitemap><loc>{loc}</loc></sitemap>\n"));
    }
    out.push_str("</sitemapindex>\n");
    out
}

/// The ids of part `part` (from 1) of the products by id, `per_file` to a part; `None` past
/// the last part.
pub fn product_ids_in_part(
    ids: impl Iterator<Item = i32>,
    part: usize,
    per_file: usize,
) -> Option<Vec<i32>> {
    let mut ids: Vec<i32> = ids.collect();
    ids.sort_unstable();
    let from = (part - 1).checked_mul(per_file)?;
    (from < ids.len()).then(|| ids.into_iter().skip(from).take(per_file).collect())
}

fn urlset_xml(origin: &Origin, paths: impl Iterator<Item = String>) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in paths {
        let loc = escape(&origin.absolute(&path));
        out.push_str(&format!("  <url><loc>{loc}</loc></url>\n"));
    }
    out.push_str("</urlset>\n");
    out
}

/// The five characters XML reserves.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin() -> Origin {
        Origin("https://seongbun.example".into())
    }

    #[test]
    fn past_the_limit_the_products_are_split_across_sitemaps() {
        let index = sitemap_index_xml(&origin(), 120_001, ADDRESSES_PER_SITEMAP);
        for name in ["pages", "products-1", "products-2", "products-3"] {
            assert!(index.contains(&format!(
                "<loc>https://seongbun.example/sitemaps/{name}.xml</loc>"
            )));
        }
        assert!(!index.contains("products-4"));
        assert_eq!(
            sitemap_index_xml(&origin(), 0, 10)
                .matches("<sitemap>")
                .count(),
            1
        );
    }

    #[test]
    fn every_product_is_in_exactly_one_part() {
        let ids = [9, 3, 7, 1, 5, 11, 2];
        let parts: Vec<Vec<i32>> = (1..)
            .map_while(|part| product_ids_in_part(ids.iter().copied(), part, 3))
            .collect();
        assert_eq!(parts, vec![vec![1, 2, 3], vec![5, 7, 9], vec![11]]);
        assert!(product_ids_in_part(ids.iter().copied(), 4, 3).is_none());
    }

    #[test]
    fn a_host_with_reserved_characters_is_escaped() {
        let odd = Origin("http://a&b".into());
        assert!(urlset_xml(&odd, ["/".to_string()].into_iter()).contains("http://a&amp;b/"));
        assert!(robots_txt(&origin()).contains("Sitemap: https://seongbun.example/sitemap.xml"));
    }
}
