//! The patterns several steps of the parser recognise.

use std::sync::LazyLock;

use regex::Regex;

pub(super) static CONCENTRATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\(?\s*\d+(?:[.,]\d+)*\s*(?:%|ppm|ppb|mg/g|mg)[^),]*\)?").unwrap()
});
pub(super) static MAY_CONTAIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*[\[(]?\s*(?:may contain|peut contenir|\+\s*/|±)").unwrap()
});
pub(super) static FOOTNOTE_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(organic|certified|natural|ingredient|derived|origin|formula|fair ?trade|wild|harvest|blend|grade|유기농|원료|표시)").unwrap()
});
/// A Korean kit section's name and size glued to its first ingredient:
/// `- 하이드라 크림앰플(30ml) 코코넛야자열매수`.
pub(super) static KIT_SIZE_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[-\s]*[^,]{0,40}?[(\s]\d+(?:\.\d+)?\s*(?:ml|g|매|ea)\)?\.?\s+").unwrap()
});
pub(super) static LABEL_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*\[[^\],]{1,40}\]\s*").unwrap());
