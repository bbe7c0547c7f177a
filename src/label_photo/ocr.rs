//! Tesseract 5 (Debian's `tesseract-ocr` with the Korean and English models) in a subprocess:
//! a broken image or a stuck OCR can only end that process, never the server. The picture goes
//! in on stdin as PNG, the text comes out on stdout (with where each line is, `PageRead`); past
//! the time limit the process is killed.

use std::io::{Cursor, Read, Write};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
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

/// What one Tesseract run read: its text, and where each of its lines is on the picture.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageRead {
    pub text: String,
    pub lines: Vec<LineBox>,
}

/// One line Tesseract read: its rows on the picture, and its words lowercased and run
/// together (Tesseract's text puts a space between Korean words only where the label does, its
/// word boxes cannot say where: a heading is looked for without spaces).
#[derive(Debug, Clone, PartialEq)]
pub struct LineBox {
    pub top: u32,
    pub bottom: u32,
    pub squashed: String,
}

impl PageRead {
    /// Tesseract's output with both its text and its TSV (a row per word, its box and its
    /// place in block, paragraph and line): the TSV's rows are the lines with tabs (OCR text
    /// holds none). An output without TSV (another OCR program) is all text, with no boxes.
    pub fn parse(output: &str) -> PageRead {
        let mut text = String::with_capacity(output.len() / 2);
        let mut lines: Vec<LineBox> = Vec::new();
        let mut current: Option<(u32, u32, u32)> = None;
        for row in output.lines() {
            let fields: Vec<&str> = row.split('\t').collect();
            if fields.len() < 12 {
                text.push_str(row);
                text.push('\n');
                continue;
            }
            // level, page, block, paragraph, line, word, left, top, width, height, conf, text
            let number = |i: usize| fields[i].trim().parse::<u32>().ok();
            let word = fields[11..].join(" ").trim().to_lowercase();
            let (Some(5), Some(block), Some(paragraph), Some(line), Some(top), Some(height)) = (
                number(0),
                number(2),
                number(3),
                number(4),
                number(7),
                number(9),
            ) else {
                continue;
            };
            if word.is_empty() {
                continue;
            }
            let key = (block, paragraph, line);
            match lines.last_mut() {
                Some(last) if current == Some(key) => {
                    last.top = last.top.min(top);
                    last.bottom = last.bottom.max(top.saturating_add(height));
                    last.squashed.push_str(&word);
                }
                _ => lines.push(LineBox {
                    top,
                    bottom: top.saturating_add(height),
                    squashed: word,
                }),
            }
            current = Some(key);
        }
        PageRead { text, lines }
    }
}

/// The text Tesseract (`program`) reads in `image` with `reading`'s models, page
/// segmentation mode (6: one block of text; 4: one column of lines of varied sizes) and
/// threshold, and where its lines are. Stopped (as timed out) past `time_limit`, or once
/// `not_needed` is set: a reading beside another that read the label well.
pub fn recognise(
    program: &str,
    image: &GrayImage,
    reading: &super::Reading,
    time_limit: Duration,
    not_needed: &AtomicBool,
) -> Result<PageRead, PhotoError> {
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
        // The text, and each word's box: where the list is on the picture (`list_foot`).
        .args(["txt", "tsv"])
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
            Ok(None) if started.elapsed() > time_limit || not_needed.load(Ordering::Relaxed) => {
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
    Ok(PageRead::parse(&String::from_utf8_lossy(&text)))
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

/// How far down a picture its ingredient list reaches, as a fraction of its height, from where
/// `read` of it shows it: to the last line before the next section's heading (the directions
/// and cautions, often as long as the list), half a line more. What is above the list is kept:
/// a label's name and size are a few short lines, and on a bent label the list's lines rise
/// above its heading's at the edges. `None` when the read shows no heading in its first half
/// (as `ingredient_part` takes it), no section after the list, or a list reaching most of the
/// way down anyway: a reading that is not understood well is then read again whole. Without
/// its heading a read cannot tell directions printed above the list from those after it.
pub fn list_foot(read: &PageRead, height: u32) -> Option<f64> {
    let squashed = |marker: &str| marker.replace(' ', "");
    let total: usize = read.lines.iter().map(|l| l.squashed.len()).sum();
    let mut before = 0;
    let mut start = None;
    for (at, line) in read.lines.iter().enumerate() {
        let found = LIST_STARTS
            .iter()
            .filter_map(|marker| line.squashed.find(&squashed(marker)))
            .min();
        if let Some(offset) = found {
            if before + offset < total / 2 {
                start = Some(at);
            }
            break;
        }
        before += line.squashed.len();
    }
    let list = &read.lines[start?..];
    // The list ends at the first line after its heading holding the next section's heading:
    // before it when the line starts with it, with it when the list ends on that line.
    let holds_next = |line: &LineBox| {
        LIST_ENDS
            .iter()
            .any(|m| line.squashed.contains(&squashed(m)))
    };
    let opens_next = |line: &LineBox| {
        let words = line
            .squashed
            .trim_start_matches(|c: char| !c.is_alphanumeric());
        LIST_ENDS.iter().any(|m| words.starts_with(&squashed(m)))
    };
    let at = list.iter().skip(1).position(holds_next)? + 1;
    let (list, next) = if opens_next(&list[at]) {
        (&list[..at], Some(&list[at]))
    } else {
        (&list[..=at], None)
    };
    let mut heights: Vec<u32> = list.iter().map(|l| l.bottom - l.top).collect();
    heights.sort_unstable();
    let margin = f64::from(heights[heights.len() / 2]) * 0.6;
    let lowest = f64::from(list.iter().map(|l| l.bottom).max()?);
    let foot = match next {
        // Not into the next section's line, unless the lines overlap (a bent label).
        Some(next) => (lowest + margin).min(f64::from(next.top).max(lowest)),
        None => lowest + margin,
    };
    let foot = foot / f64::from(height.max(1));
    (foot <= MOST_OF_THE_PICTURE).then_some(foot)
}

/// A list reaching further down than this share of the picture is read whole: a crop would
/// save little.
const MOST_OF_THE_PICTURE: f64 = 0.85;

/// The ingredient list of an OCR'd label: after its heading (`전성분`, `Ingredients:`), up to
/// the next section (directions, cautions), or the whole text when there is no heading.
pub fn ingredient_part(text: &str) -> String {
    let haystack = searchable(text);
    let start = heading(&haystack).map_or(0, |(_, end)| end);
    let rest = &text[start..];
    let rest_lower = &haystack[start..];
    let end = LIST_ENDS
        .iter()
        .filter_map(|marker| rest_lower.find(marker))
        .chain(first_sentence_line(rest))
        .min()
        .unwrap_or(rest.len());
    unwrapped(
        rest[..end]
            .trim_start_matches([':', '：', ' ', '\n', ')', ']'])
            .trim(),
    )
}

/// `text` in lower case to find the markers in, where that keeps its byte offsets (as it does
/// for these scripts: the lengths match); else `text` as it is.
fn searchable(text: &str) -> std::borrow::Cow<'_, str> {
    let lower = text.to_lowercase();
    if lower.len() == text.len() {
        std::borrow::Cow::Owned(lower)
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Where the list's heading is in `haystack` (lower case): its start and end. A heading read
/// only in the second half is a word of the list or of what follows it, not the list's start.
fn heading(haystack: &str) -> Option<(usize, usize)> {
    LIST_STARTS
        .iter()
        .filter_map(|marker| haystack.find(marker).map(|at| (at, at + marker.len())))
        .min()
        .filter(|(_, end)| *end < haystack.len() / 2)
}

/// Whether `text` holds the list's heading (`전성분`, `Ingredients:`) where a list starts.
pub fn has_heading(text: &str) -> bool {
    heading(&searchable(text)).is_some()
}

/// What a label prints above its list's heading (its brand, its name, its size), as read;
/// empty when no heading was read.
pub fn text_above_list(text: &str) -> String {
    match heading(&searchable(text)) {
        Some((start, _)) => text[..start].trim_end_matches('[').trim().to_string(),
        None => String::new(),
    }
}

/// Where the first line of `text` after its first that holds a Korean sentence starts: the
/// directions after a list whose section heading OCR bent (`사용방법` read as `NOUE:`) are
/// sentences (`...흡수시켜 줍니다.`), and name ingredients of their own (`나이아신아마이드와
/// 히알루론산이`), which were read into the list. No ingredient's name ends a word in `니다`
/// (the one name holding it, `하이알루로니다아제`, goes on).
fn first_sentence_line(text: &str) -> Option<usize> {
    let first_line_end = text.find('\n')?;
    text.match_indices("니다")
        .find(|(at, ending)| {
            text[at + ending.len()..]
                .chars()
                .next()
                .is_none_or(|next| next == '.' || next.is_whitespace())
        })
        .and_then(|(at, _)| text[..at].rfind('\n'))
        .filter(|line_start| *line_start >= first_line_end)
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

    /// A reading beside another that read the label well is stopped, its program killed and
    /// reaped, long before its time limit.
    #[cfg(unix)]
    #[test]
    fn a_reading_not_needed_any_more_is_stopped() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let program = dir.path().join("slow-ocr");
        std::fs::write(&program, "#!/bin/sh\nexec sleep 30\n").unwrap();
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
        let program = program.to_str().unwrap();
        let picture = GrayImage::new(8, 8);
        let not_needed = AtomicBool::new(false);
        let started = Instant::now();
        let read = std::thread::scope(|scope| {
            let reading = scope.spawn(|| {
                recognise(
                    program,
                    &picture,
                    &crate::label_photo::READINGS[0],
                    Duration::from_secs(60),
                    &not_needed,
                )
            });
            std::thread::sleep(Duration::from_millis(100));
            not_needed.store(true, Ordering::Relaxed);
            reading.join().unwrap()
        });
        assert_eq!(read.err(), Some(PhotoError::TimedOut));
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "stopped, not waited for: {:?}",
            started.elapsed()
        );
    }

    #[test]
    fn the_list_is_cut_out_of_the_label() {
        let label = "수분 크림 50ml\n[전성분] 정제수, 글리세린,\n부틸렌글라이콜\n사용방법: 적당량을 바릅니다";
        assert_eq!(ingredient_part(label), "정제수, 글리세린,\n부틸렌글라이콜");
        assert_eq!(text_above_list(label), "수분 크림 50ml");
        assert_eq!(text_above_list("정제수, 글리세린, 판테놀"), "");
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

    /// Tesseract's output for `lines` (text, top, height): its TSV, a row per word, then its text.
    fn tesseract_output(lines: &[(&str, u32, u32)]) -> String {
        let mut tsv = String::from(
            "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n",
        );
        let mut text = String::new();
        for (n, (line, top, height)) in lines.iter().enumerate() {
            tsv.push_str(&format!(
                "4\t1\t1\t1\t{}\t0\t10\t{top}\t500\t{height}\t-1\t\n",
                n + 1
            ));
            for (w, word) in line.split(' ').enumerate() {
                // Word boxes sit a little lower or higher than the line's.
                let top = top + (w as u32 % 3);
                tsv.push_str(&format!(
                    "5\t1\t1\t1\t{}\t{}\t{}\t{top}\t40\t{}\t91.5\t{word}\n",
                    n + 1,
                    w + 1,
                    10 + 50 * w,
                    height - 2
                ));
            }
            text.push_str(line);
            text.push('\n');
        }
        tsv + &text
    }

    #[test]
    fn a_read_keeps_its_text_and_where_each_line_is() {
        let output =
            tesseract_output(&[("수분 크림", 10, 30), ("[전성분] 정제수, 글리세린", 60, 32)]);
        let read = PageRead::parse(&output);
        assert_eq!(read.text, "수분 크림\n[전성분] 정제수, 글리세린\n");
        assert_eq!(read.lines.len(), 2);
        assert_eq!(read.lines[1].squashed, "[전성분]정제수,글리세린");
        assert_eq!((read.lines[1].top, read.lines[1].bottom), (60, 92));
        // Another OCR program's plain text: all text, no boxes.
        let plain = PageRead::parse("Ingredients: Water, Glycerin\n");
        assert_eq!(plain.text, "Ingredients: Water, Glycerin\n");
        assert!(plain.lines.is_empty());
    }

    #[test]
    fn directions_whose_heading_was_misread_end_the_list_at_their_first_sentence() {
        // Before: `사용방법` read as `NOUE:` ended nothing, and the directions' own
        // ingredients (나이아신아마이드, 히알루론산) were read into a list of 11 names.
        let label = "라로슈포제\n[전성분] 정제수, 글리세린, 하이알루로니다아제,\n\
                     부틸렌글라이콜, 잔탄검\n\
                     NOUE: 세안 후 적당량을 취해 얼굴에 펴 발라 흡수시켜 줍니다. 나이아신아마이드와\n\
                     히알루론산이 피부에 수분을 채워 줍니다.";
        assert_eq!(
            ingredient_part(label),
            "정제수, 글리세린, 하이알루로니다아제, 부틸렌글라이콜, 잔탄검"
        );
        // Without a heading read either, the list is what comes before the sentence.
        let headless = "정제수, 글리세린, 부틸렌글라이콜,\n잔탄검, 판테놀\n세안 후 바릅니다.";
        assert_eq!(
            ingredient_part(headless),
            "정제수, 글리세린, 부틸렌글라이콜, 잔탄검, 판테놀"
        );
        // A sentence on the list's first line is not cut before the list.
        assert_eq!(
            ingredient_part("정제수, 글리세린, 판테놀 줍니다."),
            "정제수, 글리세린, 판테놀 줍니다."
        );
    }

    #[test]
    fn the_list_ends_before_the_next_sections_heading() {
        let label = [
            ("수분 크림 50ml", 10, 30),
            ("[전성분] 정제수, 글리세린,", 60, 30),
            ("부틸렌글라이콜, 판테놀", 100, 30),
            ("사용방법: 세안 후 적당량을", 140, 30),
            ("바릅니다. 주의사항: 상처가 있는", 180, 30),
            ("부위에는 사용을 자제할 것", 220, 30),
        ];
        let read = PageRead::parse(&tesseract_output(&label));
        let foot = list_foot(&read, 400).expect("a foot");
        // Below the list's last line (100 + 30) and its margin, above the directions' line.
        assert!((130.0 / 400.0..=140.0 / 400.0).contains(&foot), "{foot}");
        // What is cut is what `ingredient_part` drops from the read anyway.
        assert_eq!(
            ingredient_part(&read.text),
            "정제수, 글리세린, 부틸렌글라이콜, 판테놀"
        );

        // A list ending on the line that starts the directions keeps that line.
        let run_on = [
            ("Ingredients: Water, Glycerin, Niacinamide,", 10, 30),
            ("Panthenol. Directions: smooth over the face", 50, 30),
            ("morning and evening, avoiding the eyes.", 90, 30),
            ("Warning: for external use only.", 130, 30),
        ];
        let read = PageRead::parse(&tesseract_output(&run_on));
        let foot = list_foot(&read, 200).expect("a foot");
        assert!((80.0 / 200.0..=100.0 / 200.0).contains(&foot), "{foot}");
    }

    #[test]
    fn a_list_without_its_heading_a_next_section_or_room_below_is_read_whole() {
        let no_next = [
            ("Ingredients: Water, Glycerin,", 10, 30),
            ("Niacinamide, Panthenol", 50, 30),
        ];
        let read = PageRead::parse(&tesseract_output(&no_next));
        assert_eq!(list_foot(&read, 2_000), None);
        // The directions' heading on the picture's last lines: nothing worth cutting.
        let at_the_foot = [
            ("Ingredients: Water, Glycerin,", 10, 30),
            ("Niacinamide, Panthenol", 50, 30),
            ("Directions: smooth over the face", 90, 30),
        ];
        let read = PageRead::parse(&tesseract_output(&at_the_foot));
        assert_eq!(list_foot(&read, 100), None);
        assert!(list_foot(&read, 1_000).is_some());
        // Directions above the list, its heading misread: the read cannot tell whether they
        // come before or after it.
        let unheaded = [
            ("Directions: smooth over the face", 10, 30),
            ("Warning: for external use only.", 50, 30),
            ("lngred1ents: Water, Glycerin,", 90, 30),
            ("Niacinamide, Panthenol", 130, 30),
        ];
        let read = PageRead::parse(&tesseract_output(&unheaded));
        assert_eq!(list_foot(&read, 1_000), None);
        // No read lines (a plain-text OCR): nothing known, nothing cut.
        assert_eq!(list_foot(&PageRead::parse("Water, Glycerin"), 100), None);
    }
}
