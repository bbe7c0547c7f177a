//! Tesseract 5 (Debian's `tesseract-ocr` with the Korean and English models) in a subprocess:
//! a broken image or a stuck OCR can only end that process, never the server. The picture goes
//! in on stdin as PNG, the text comes out on stdout; past the time limit the process is killed.

use std::io::{Cursor, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use image::{GrayImage, ImageFormat};

use super::PhotoError;

/// The program run unless the site says otherwise: `TESSERACT` names another install.
pub fn default_program() -> String {
    std::env::var("TESSERACT").unwrap_or_else(|_| "tesseract".to_string())
}

/// How Tesseract tells ink from paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threshold {
    /// One threshold for the whole page (Otsu's): best where the light is even.
    Otsu,
    /// A threshold for each pixel from its neighbourhood (Sauvola's): text under a glare
    /// stripe or in a curved label's shadowed edge keeps its ink.
    Sauvola,
}

impl Threshold {
    /// Tesseract's `thresholding_method`.
    fn method(self) -> &'static str {
        match self {
            Threshold::Otsu => "thresholding_method=0",
            Threshold::Sauvola => "thresholding_method=2",
        }
    }
}

/// The models Tesseract reads with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Languages {
    KoreanAndEnglish,
    Korean,
    English,
}

impl Languages {
    fn models(self) -> &'static str {
        match self {
            Languages::KoreanAndEnglish => "kor+eng",
            Languages::Korean => "kor",
            Languages::English => "eng",
        }
    }
}

/// The text Tesseract (`program`) reads in `image` with `reading`'s models, page
/// segmentation mode (6: one block of text; 4: one column of lines of varied sizes) and
/// threshold.
pub fn recognise(
    program: &str,
    image: &GrayImage,
    reading: &super::Reading,
    time_limit: Duration,
) -> Result<String, PhotoError> {
    let mut png = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .map_err(|e| PhotoError::Ocr(e.to_string()))?;
    let mut child = Command::new(program)
        // LSTM models only.
        .args(["stdin", "stdout", "-l", reading.languages.models()])
        .args(["--oem", "1", "--psm"])
        .arg(reading.page_mode.to_string())
        .args(["-c", reading.threshold.method()])
        // Light type on a dark label is turned dark on light before (`prepare`): trying each
        // poorly read line inverted cost a sixth of a photo's time (widened dev set: a
        // reading 1.28 -> 1.07 s English, 1.39 -> 1.20 s Korean).
        .args(["-c", "tessedit_do_invert=0"])
        // One thread a job: the jobs are limited to one per core already.
        .env("OMP_THREAD_LIMIT", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| PhotoError::Ocr(format!("cannot start tesseract: {e}")))?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let writer = std::thread::spawn(move || {
        // A process that died early closes its stdin: its exit status says why.
        let _ = stdin.write_all(&png);
    });
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = stdout.read_to_end(&mut text);
        text
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > time_limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(PhotoError::TimedOut);
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => {
                // Never left running or unreaped: the job's place is given back after this.
                let _ = child.kill();
                let _ = child.wait();
                return Err(PhotoError::Ocr(e.to_string()));
            }
        }
    };
    let _ = writer.join();
    let text = reader.join().unwrap_or_default();
    if !status.success() {
        return Err(PhotoError::Ocr(format!("tesseract exited with {status}")));
    }
    Ok(String::from_utf8_lossy(&text).into_owned())
}

/// Where a label's list starts, in the languages labels are printed in.
const LIST_STARTS: &[&str] = &["전성분", "전 성분", "ingredients", "ingrédients", "成分"];
/// What follows a list on a label.
const LIST_ENDS: &[&str] = &[
    "사용방법",
    "사용 방법",
    "사용법",
    "주의사항",
    "사용할 때의 주의사항",
    "directions",
    "how to use",
    "warning",
    "caution",
];

/// The ingredient list of an OCR'd label: after its heading (`전성분`, `Ingredients:`), up to
/// the next section (directions, cautions), or the whole text when there is no heading.
pub fn ingredient_part(text: &str) -> String {
    let lower = text.to_lowercase();
    // `to_lowercase` keeps byte offsets for these scripts only when lengths match.
    let same_offsets = lower.len() == text.len();
    let haystack = if same_offsets { lower.as_str() } else { text };
    // A heading read only in the second half is a word of the list or of what follows it,
    // not the list's start: the whole text is kept then.
    let start = LIST_STARTS
        .iter()
        .filter_map(|marker| haystack.find(marker).map(|at| at + marker.len()))
        .min()
        .filter(|at| *at < haystack.len() / 2)
        .unwrap_or(0);
    let rest = &text[start..];
    let rest_lower = &haystack[start..];
    let end = LIST_ENDS
        .iter()
        .filter_map(|marker| rest_lower.find(marker))
        .min()
        .unwrap_or(rest.len());
    unwrapped(
        rest[..end]
            .trim_start_matches([':', '：', ' ', '\n', ')', ']'])
            .trim(),
    )
}

/// A list's lines joined again. A label wraps its list wherever the line is full, often in the
/// middle of a name (`Sodium Lauroyl Methyl` / `Isethionate`), so when the list is written with
/// commas a line break is only a space; a word broken with a hyphen is joined whole.
pub fn unwrapped(list: &str) -> String {
    if list.matches([',', '，']).count() < 3 {
        return list.to_string();
    }
    let mut joined = String::with_capacity(list.len());
    for line in list.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if joined.ends_with('-') {
            joined.pop();
        } else if !joined.is_empty() {
            joined.push(' ');
        }
        joined.push_str(line);
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_cut_out_of_the_label() {
        let label = "수분 크림 50ml\n[전성분] 정제수, 글리세린,\n부틸렌글라이콜\n사용방법: 적당량을 바릅니다";
        assert_eq!(ingredient_part(label), "정제수, 글리세린,\n부틸렌글라이콜");
        let wrapped =
            "Water, Glycerin, Sodium Lauroyl Methyl\nIsethionate, Phenoxy-\nethanol, Mica";
        assert_eq!(
            ingredient_part(wrapped),
            "Water, Glycerin, Sodium Lauroyl Methyl Isethionate, Phenoxyethanol, Mica"
        );
        let english =
            "Moisture Cream\nINGREDIENTS: Water, Glycerin.\nWarning: for external use only";
        assert_eq!(ingredient_part(english), "Water, Glycerin.");
        assert_eq!(ingredient_part("Water, Glycerin"), "Water, Glycerin");
    }
}
