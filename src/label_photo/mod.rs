//! A photo of a label's ingredient list (전성분) read into text, to be answered like a pasted
//! list: the upload checked (`check`), the picture prepared for OCR (`prepare`), Tesseract run
//! in a subprocess with a time limit (`ocr`), read other ways when the catalog understands
//! the first read poorly (`read_label`; side by side on a core no other photo holds), one job
//! per core with a short queue (`crate::job_queue`). Nothing is stored.

pub mod check;
pub mod columns;
pub mod ocr;
pub mod prepare;
pub mod printed_name;

use std::cmp::Reverse;
use std::time::Duration;

use crate::i18n::Message;

/// The largest upload read (a phone's full-size photo is 3 to 6 MB).
pub const MAX_IMAGE_BYTES: usize = 10 * 1024 * 1024;
/// The most pixels decoded: a 48-megapixel phone photo, and no decompression bomb.
pub const MAX_PIXELS: u64 = 50_000_000;
/// How long one OCR job may take before it is stopped.
pub const OCR_TIME_LIMIT: Duration = Duration::from_secs(20);

/// Why a photo gave no text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("no image was sent")]
    Missing,
    #[error("the image is larger than 10 MB")]
    TooLarge,
    #[error("not a JPEG, PNG or WebP image")]
    NotAnImage,
    #[error("the image has too many pixels ({0})")]
    TooManyPixels(u64),
    #[error("the image could not be read: {0}")]
    Unreadable(String),
    #[error("no text was found in the image")]
    NoText,
    #[error("reading the image took too long")]
    TimedOut,
    #[error("too many photos are being read now")]
    Busy,
    #[error("the OCR program failed: {0}")]
    Ocr(String),
}

impl PhotoError {
    /// What the person is told, in both languages.
    pub fn message(&self) -> Message {
        match self {
            PhotoError::Missing => Message::new(
                "사진 파일을 골라 주세요.",
                "Please choose a photo.",
            ),
            PhotoError::TooLarge => Message::new(
                "사진이 너무 큽니다 (최대 10 MB). 더 작게 찍거나 줄여서 올려 주세요.",
                "The photo is too large (at most 10 MB). Please send a smaller one.",
            ),
            PhotoError::NotAnImage => Message::new(
                "JPEG, PNG, WebP 사진만 읽을 수 있습니다.",
                "Only JPEG, PNG and WebP photos can be read.",
            ),
            PhotoError::TooManyPixels(pixels) => Message::new(
                format!("사진의 화소가 너무 많습니다 ({pixels}개, 최대 {MAX_PIXELS}개)."),
                format!("The photo has too many pixels ({pixels}; at most {MAX_PIXELS})."),
            ),
            PhotoError::Unreadable(_) => Message::new(
                "사진 파일이 깨져 있어 읽을 수 없습니다. 다시 찍어 올려 주세요.",
                "The photo file is damaged and cannot be read. Please take it again.",
            ),
            PhotoError::NoText => Message::new(
                "사진에서 글자를 찾지 못했습니다. 전성분이 잘 보이게 가까이서 다시 찍어 주세요.",
                "No text was found in the photo. Please take it again, closer to the ingredient list.",
            ),
            PhotoError::TimedOut | PhotoError::Ocr(_) => Message::new(
                "사진을 읽지 못했습니다. 잠시 뒤에 다시 해 주세요.",
                "The photo could not be read. Please try again in a moment.",
            ),
            PhotoError::Busy => Message::new(
                "지금 읽는 사진이 많습니다. 잠시 뒤에 다시 해 주세요.",
                "Many photos are being read right now. Please try again in a moment.",
            ),
        }
    }
}

/// One way of reading a picture: the line pitch it is scaled to, Tesseract's page
/// segmentation mode, and how it tells ink from paper.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    pub line_pitch: f64,
    pub page_mode: u8,
    pub threshold: ocr::Threshold,
    pub languages: ocr::Languages,
    pub light: prepare::Light,
}

/// The readings tried, in this order (the second and third side by side when a core is
/// spare: `SpareCores`), while the text is not yet understood well
/// (`Understood::well_read`): the second, at larger type and read line by line, is what finds
/// the lists the first turns to noise (a narrow strip of large type, a line pitch misjudged);
/// the third, with one threshold for the page, reads the few evenly lit labels whose
/// neighbourhood thresholds broke thin strokes (widened dev set: 95 -> 97.5 % English, 90 ->
/// 92.5 % Korean first; BENCHMARKS.md).
pub const READINGS: &[Reading] = &[
    Reading {
        line_pitch: prepare::TARGET_LINE_PITCH,
        page_mode: 6,
        threshold: ocr::Threshold::Sauvola,
        languages: ocr::Languages::KoreanAndEnglish,
        light: prepare::Light::GlareOnly,
    },
    Reading {
        line_pitch: 60.0,
        page_mode: 4,
        threshold: ocr::Threshold::Sauvola,
        languages: ocr::Languages::KoreanAndEnglish,
        light: prepare::Light::GlareOnly,
    },
    Reading {
        line_pitch: prepare::TARGET_LINE_PITCH,
        page_mode: 6,
        threshold: ocr::Threshold::Otsu,
        languages: ocr::Languages::KoreanAndEnglish,
        light: prepare::Light::GlareOnly,
    },
];

/// How much of a read list the catalog understood: names known, names not among them, and
/// names not understood before the first known one or after the last.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Understood {
    pub known: usize,
    pub unknown: usize,
    pub outside: usize,
}

impl Understood {
    /// How much of a read the catalog understood, from whether it knows each name in the
    /// read's order. What comes before the first known name and after the last is not counted:
    /// OCR's reading of the label's edge, a heading or the directions after the list, whose
    /// section heading it could not read, is not the list.
    pub fn of(names_known: &[bool]) -> Understood {
        let Some(first) = names_known.iter().position(|known| *known) else {
            return Understood {
                known: 0,
                unknown: 0,
                outside: names_known.len(),
            };
        };
        let last = names_known
            .iter()
            .rposition(|known| *known)
            .unwrap_or(first);
        let list = &names_known[first..=last];
        let known = list.iter().filter(|known| **known).count();
        Understood {
            known,
            unknown: list.len() - known,
            outside: names_known.len() - list.len(),
        }
    }

    /// A read good enough to stop at: at least 5 names, at most 1 in 3 unknown. (On the
    /// tuning photos, stopping only at 1 in 12 read the same products first and took 65 %
    /// longer on Korean labels: a good Korean read still bends a few long names; 1 in 3
    /// against 1 in 4 read the same products first with a second reading on 23 Korean
    /// photos in 60 instead of 28.)
    fn well_read(self) -> bool {
        self.known >= 5 && self.unknown * 3 <= self.known + self.unknown
    }

    /// Which of two reads to keep: more names known, then fewer unknown among them, then fewer
    /// around them.
    fn rank(self) -> (usize, Reverse<usize>, Reverse<usize>) {
        (self.known, Reverse(self.unknown), Reverse(self.outside))
    }
}

/// What was read of a label: its ingredient list, and what is printed above the list's
/// heading (brand, name, size; empty when no heading was read), which tells sister products
/// apart (`printed_name`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelRead {
    pub list: String,
    pub above: String,
}

/// One name of a read list, as read, and whether the catalog knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadName {
    pub label_name: String,
    pub known: bool,
}

/// Of a list's names, how many known ones in a row of `LIST_WINDOW` make it the list: a known
/// word alone among noise (a product name's `크림`, which the catalog knows as an ingredient
/// some list bears) is not.
const LIST_WINDOW: usize = 4;
const KNOWN_IN_WINDOW: usize = 3;

/// Where a read's list is among its names: from the first known name that 3 of the 4 names
/// from it are known to the last known name; all of it when no such run is read. What OCR
/// read around the list without its heading (the label's edge, the product's name and size,
/// the directions after it) is not the list, and would be weighed as its first names. Within
/// the list, names read badly keep their places.
pub fn list_core(known: &[bool]) -> std::ops::Range<usize> {
    // A read shorter than the window needs that many known names only.
    let needed = KNOWN_IN_WINDOW.min(known.len());
    let dense = |window: &[bool]| window.iter().filter(|k| **k).count() >= needed;
    let start = (0..known.len())
        .find(|&at| known[at] && dense(&known[at..(at + LIST_WINDOW).min(known.len())]));
    let Some(start) = start else {
        return 0..known.len();
    };
    let end = known.iter().rposition(|k| *k).unwrap_or(start);
    start..end + 1
}

/// At most this many names read before a list without its heading are taken for what a label
/// prints above it (brand, name, size): more are a list read badly at its start, whose known
/// names count.
const MOST_NAMES_ABOVE: usize = 8;

impl LabelRead {
    /// The read of `list` (whose names are `names`) and `above`, cut to the list's core
    /// (`list_core`): what was read after it is dropped, and, when the list's heading was not
    /// read (`headed`), what was read before it belongs with what is printed above the list
    /// (the product's name is among it). Below a heading the list starts where it starts: its
    /// first names bent past knowing still hold their places.
    fn cut_to_the_list(list: String, above: String, names: &[ReadName], headed: bool) -> LabelRead {
        let known: Vec<bool> = names.iter().map(|n| n.known).collect();
        let mut core = list_core(&known);
        if headed || core.start > MOST_NAMES_ABOVE {
            core.start = 0;
        }
        if core.len() == names.len() {
            return LabelRead { list, above };
        }
        let joined = |names: &[ReadName], separator: &str| {
            names
                .iter()
                .map(|n| n.label_name.as_str())
                .collect::<Vec<_>>()
                .join(separator)
        };
        let before = joined(&names[..core.start], " ");
        LabelRead {
            list: joined(&names[core], ", "),
            above: [above.trim(), before.trim()]
                .iter()
                .filter(|part| !part.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }
}

/// Cores a photo's later readings may take beside its own while they are free, each held
/// until its readings end: the second and third readings run side by side when the server has
/// a core to spare, one after the other when it has not.
pub struct SpareCores<'a>(Box<dyn Fn() -> Option<Box<dyn Send>> + 'a>);

impl<'a> SpareCores<'a> {
    /// No core but the photo's own: the readings run in turn.
    pub fn none() -> Self {
        SpareCores(Box::new(|| None))
    }

    /// A core while `take` gives one (a guard that gives it back when dropped).
    pub fn taken_by<G: Send + 'static>(take: impl Fn() -> Option<G> + 'a) -> Self {
        SpareCores(Box::new(move || {
            take().map(|g| Box::new(g) as Box<dyn Send>)
        }))
    }

    fn take(&self) -> Option<Box<dyn Send>> {
        (self.0)()
    }
}

/// The text of the ingredient list in `bytes` (a JPEG, PNG or WebP photo), read by the OCR
/// program `program` (Tesseract). `understood` gives a read's names and whether the catalog
/// knows each: a read not understood well is read again other ways (`READINGS`, side by side
/// on the `spare` cores) and the best kept, within one time limit for all, then cut to its list
/// (`list_core`).
pub fn read_label(
    program: &str,
    bytes: &[u8],
    understood: impl Fn(&str) -> Vec<ReadName> + Sync,
    spare: &SpareCores,
) -> Result<LabelRead, PhotoError> {
    read_label_by(
        program,
        bytes,
        READINGS,
        understood,
        spare,
        &mut StepTimes::default(),
    )
}

/// `read_label` by the default Tesseract with the readings given, and where its time went (the
/// label photo report compares readings and sums the steps).
pub fn read_label_with(
    bytes: &[u8],
    readings: &[Reading],
    understood: impl Fn(&str) -> Vec<ReadName> + Sync,
    spare: &SpareCores,
) -> (Result<LabelRead, PhotoError>, StepTimes) {
    let mut times = StepTimes::default();
    let read = read_label_by(
        &ocr::default_program(),
        bytes,
        readings,
        understood,
        spare,
        &mut times,
    );
    (read, times)
}

/// Where one photo's reading time went, step by step.
#[derive(Debug, Clone, Default)]
pub struct StepTimes {
    /// Checking and decoding the upload into grey.
    pub decode: Duration,
    /// Scaling, turning level, bending lines straight, stretching (for each line pitch once).
    pub prepare: Duration,
    /// Each Tesseract run whose read was weighed, in the order of the readings tried.
    pub readings: Vec<Duration>,
    /// How many of them stopped at the list's foot (`ocr::list_foot`).
    pub cropped: usize,
    /// How many of them ran beside another on a spare core.
    pub beside: usize,
    /// Cutting the list out of each read and judging it against the catalog (summed over the
    /// readings, side by side or not).
    pub judge: Duration,
}

/// One reading's outcome: the picture it prepared (kept for the readings after it), what
/// Tesseract read and how long it took, and the list cut out of it with the catalog's judgement
/// (none when the read holds no letter or digit).
struct ReadingDone {
    /// The prepared picture's height, before any crop.
    height: u32,
    fresh: Option<((f64, prepare::Light), image::GrayImage)>,
    preparing: Duration,
    cropped: bool,
    read: Result<ocr::PageRead, PhotoError>,
    took: Duration,
    judged: Option<(Understood, LabelRead, Vec<ReadName>, bool)>,
    judging: Duration,
}

/// The list in `read`, what is above it, its names as the catalog knows them, and whether its
/// heading was read; none when it holds no letter or digit (a label's edge read as `|`).
fn judge(
    read: &ocr::PageRead,
    understood: &impl Fn(&str) -> Vec<ReadName>,
) -> Option<(Understood, LabelRead, Vec<ReadName>, bool)> {
    let list = ocr::ingredient_part(&read.text);
    if !list.chars().any(char::is_alphanumeric) {
        return None;
    }
    let above = ocr::text_above_list(&read.text);
    let headed = ocr::has_heading(&read.text);
    let names = understood(&list);
    let known: Vec<bool> = names.iter().map(|n| n.known).collect();
    Some((
        Understood::of(&known),
        LabelRead { list, above },
        names,
        headed,
    ))
}

fn read_label_by(
    program: &str,
    bytes: &[u8],
    readings: &[Reading],
    understood: impl Fn(&str) -> Vec<ReadName> + Sync,
    spare: &SpareCores,
    times: &mut StepTimes,
) -> Result<LabelRead, PhotoError> {
    let started = std::time::Instant::now();
    let format = check::format_of(bytes)?;
    let grey = check::decode(bytes, format)?.to_luma8();
    times.decode = started.elapsed();
    let mut best: Option<(Understood, LabelRead, Vec<ReadName>, bool)> = None;
    let mut failure = PhotoError::NoText;
    // The picture prepared for each line pitch and light, once: readings differing only in
    // threshold or page mode read the same pixels.
    let mut prepared: Vec<((f64, prepare::Light), image::GrayImage)> = Vec::new();
    // How far down the list reaches (a share of the picture's height), once a read has shown
    // it: a reading after it does not read the directions and cautions after the list again.
    let mut list_foot: Option<f64> = None;
    let mut next = 0;
    'rounds: while next < readings.len() {
        let Some(time_left) = OCR_TIME_LIMIT.checked_sub(started.elapsed()) else {
            break;
        };
        // The first reading runs alone: most labels need no other. The ones after it run side
        // by side on the cores free now, and in turn without them.
        let mut round = next..next + 1;
        let mut cores = Vec::new();
        while next > 0 && round.end < readings.len() {
            let Some(core) = spare.take() else { break };
            cores.push(core);
            round.end += 1;
        }
        // Set when a reading of the round read the label well: the ones after it are stopped.
        let not_needed: Vec<std::sync::atomic::AtomicBool> =
            round.clone().map(|_| Default::default()).collect();
        let done: Vec<ReadingDone> = std::thread::scope(|scope| {
            let running: Vec<_> = round
                .clone()
                .enumerate()
                .map(|(k, r)| {
                    let reading = &readings[r];
                    let way = (reading.line_pitch, reading.light);
                    let ready = prepared.iter().find(|(w, _)| *w == way).map(|(_, p)| p);
                    let (grey, not_needed, understood) = (&grey, &not_needed, &understood);
                    scope.spawn(move || {
                        let step = std::time::Instant::now();
                        // Prepared here, beside the other readings, when no reading before
                        // read the same pixels.
                        let mut fresh = None;
                        let whole: &image::GrayImage = match ready {
                            Some(picture) => picture,
                            None => fresh.insert(prepare::for_ocr(
                                grey.clone(),
                                reading.line_pitch,
                                reading.light,
                            )),
                        };
                        let preparing = step.elapsed();
                        let height = whole.height();
                        let cropped = list_foot.map(|share| prepare::top_of(whole, share));
                        let step = std::time::Instant::now();
                        let read = ocr::recognise(
                            program,
                            cropped.as_ref().unwrap_or(whole),
                            reading,
                            time_left,
                            &not_needed[k],
                        );
                        let took = step.elapsed();
                        let step = std::time::Instant::now();
                        let judged = read.as_ref().ok().and_then(|read| judge(read, understood));
                        if judged.as_ref().is_some_and(|(j, ..)| j.well_read()) {
                            for later in &not_needed[k + 1..] {
                                later.store(true, std::sync::atomic::Ordering::Relaxed);
                            }
                        }
                        ReadingDone {
                            height,
                            fresh: fresh.map(|picture| (way, picture)),
                            preparing,
                            cropped: cropped.is_some(),
                            read,
                            took,
                            judged,
                            judging: step.elapsed(),
                        }
                    })
                })
                .collect();
            running
                .into_iter()
                .map(|reading| {
                    reading.join().unwrap_or_else(|_| ReadingDone {
                        height: 0,
                        fresh: None,
                        preparing: Duration::ZERO,
                        cropped: false,
                        read: Err(PhotoError::Ocr("a reading stopped".to_string())),
                        took: Duration::ZERO,
                        judged: None,
                        judging: Duration::ZERO,
                    })
                })
                .collect()
        });
        drop(cores);
        let beside = done.len() > 1;
        // Weighed in the readings' order, as if read in turn: a reading stopped because one
        // before it read well is never reached.
        for reading in done {
            times.prepare += reading.preparing;
            if let Some((way, picture)) = reading.fresh {
                if !prepared.iter().any(|(w, _)| *w == way) {
                    prepared.push((way, picture));
                }
            }
            times.readings.push(reading.took);
            times.cropped += usize::from(reading.cropped);
            times.beside += usize::from(beside);
            times.judge += reading.judging;
            let read = match reading.read {
                Ok(read) => read,
                // A later reading that ran out of time leaves the earlier one standing.
                Err(error) => {
                    failure = error;
                    break 'rounds;
                }
            };
            if list_foot.is_none() {
                list_foot = ocr::list_foot(&read, reading.height);
            }
            let Some(judged) = reading.judged else {
                continue;
            };
            let well_read = judged.0.well_read();
            if best
                .as_ref()
                .is_none_or(|(b, ..)| judged.0.rank() > b.rank())
            {
                best = Some(judged);
            }
            if well_read {
                break 'rounds;
            }
        }
        next = round.end;
    }
    best.map(|(_, read, names, headed)| {
        LabelRead::cut_to_the_list(read.list, read.above, &names, headed)
    })
    .ok_or(failure)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Side by side, a third reading is stopped as soon as the second reads the label well,
    /// and the second's read is kept: an OCR program stand-in that reads poorly in the first
    /// way, well in the second (page mode 4), and would take 30 s in the third (Otsu).
    #[cfg(unix)]
    #[test]
    fn a_later_reading_is_stopped_once_the_one_before_it_reads_well() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let program = dir.path().join("stand-in-ocr");
        std::fs::write(
            &program,
            "#!/bin/sh\ncat >/dev/null\ncase \"$*\" in\n\
             *'--psm 4'*) echo 'Water, Glycerin, Niacinamide, Panthenol, Allantoin, Adenosine' ;;\n\
             *thresholding_method=0*) exec sleep 30 ;;\n\
             *) echo 'Wxtr, Glyc' ;;\n\
             esac\n",
        )
        .unwrap();
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut png = Vec::new();
        image::GrayImage::from_pixel(400, 200, image::Luma([255]))
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let known = [
            "Water",
            "Glycerin",
            "Niacinamide",
            "Panthenol",
            "Allantoin",
            "Adenosine",
        ];
        let understood = |list: &str| {
            list.split(',')
                .map(|name| ReadName {
                    label_name: name.trim().to_string(),
                    known: known.contains(&name.trim()),
                })
                .collect()
        };
        let started = std::time::Instant::now();
        let mut times = StepTimes::default();
        let read = read_label_by(
            program.to_str().unwrap(),
            &png,
            READINGS,
            understood,
            &SpareCores::taken_by(|| Some(())),
            &mut times,
        );
        assert_eq!(
            read.unwrap().list,
            "Water, Glycerin, Niacinamide, Panthenol, Allantoin, Adenosine"
        );
        assert_eq!(times.readings.len(), 2, "the third is never weighed");
        assert_eq!(times.beside, 1);
        // Left running, the third would hold the photo to the 20 s limit.
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the third was stopped: {:?}",
            started.elapsed()
        );
    }

    #[test]
    fn what_surrounds_the_known_names_is_not_judged() {
        let (y, n) = (true, false);
        let of = Understood::of;
        assert_eq!(
            of(&[n, n, y, y, n, y, n, n, n]),
            Understood {
                known: 3,
                unknown: 1,
                outside: 5
            }
        );
        assert_eq!(
            of(&[n, n]),
            Understood {
                known: 0,
                unknown: 0,
                outside: 2
            }
        );
        assert!(
            of(&[y]).rank() > of(&[y, n, n]).rank(),
            "noise read around it"
        );
    }

    fn names(read: &[(&str, bool)]) -> Vec<ReadName> {
        read.iter()
            .map(|(name, known)| ReadName {
                label_name: name.to_string(),
                known: *known,
            })
            .collect()
    }

    #[test]
    fn a_list_read_without_its_heading_starts_where_its_names_do() {
        let (y, n) = (true, false);
        // The product's name (one of its words an ingredient's), its size, the heading bent
        // past reading with the first name; the directions after the list.
        assert_eq!(
            list_core(&[n, n, y, n, n, n, y, y, y, y, n, y, n, n]),
            6..12
        );
        assert_eq!(list_core(&[n, y, n, y]), 0..4, "no run of names: all of it");
        assert_eq!(list_core(&[y, y]), 0..2);
        assert_eq!(list_core(&[]), 0..0);

        let read = names(&[
            ("제로이드", n),
            ("제로이드 수딩", n),
            ("크림", y),
            ("ce", n),
            ("50 ml", n),
            ("Me) Sa", n),
            ("글리세린", y),
            ("프로판다이올", y),
            ("카보머", y),
            ("세안", n),
            ("후", n),
        ]);
        let list =
            "제로이드, 제로이드 수딩, 크림, ce, 50 ml, Me) Sa, 글리세린, 프로판다이올, 카보머, \
                    세안, 후";
        let cut = LabelRead::cut_to_the_list(list.into(), String::new(), &read, false);
        assert_eq!(cut.list, "글리세린, 프로판다이올, 카보머");
        assert_eq!(cut.above, "제로이드 제로이드 수딩 크림 ce 50 ml Me) Sa");
        // Below a heading read, the list's start stays; what follows its names goes.
        let cut = LabelRead::cut_to_the_list(list.into(), "제로이드".into(), &read, true);
        assert!(
            cut.list.starts_with("제로이드, 제로이드 수딩, 크림"),
            "{}",
            cut.list
        );
        assert!(cut.list.ends_with("카보머"), "{}", cut.list);
        assert_eq!(cut.above, "제로이드");
        // A read whose names are all known is kept as read.
        let whole = names(&[("정제수", y), ("글리세린", y)]);
        let kept =
            LabelRead::cut_to_the_list("정제수,\n글리세린".into(), String::new(), &whole, false);
        assert_eq!(kept.list, "정제수,\n글리세린");
    }

    #[test]
    fn a_read_is_good_enough_when_nearly_all_its_names_are_known() {
        let read = |known, unknown| Understood {
            known,
            unknown,
            outside: 0,
        };
        assert!(read(30, 15).well_read());
        assert!(!read(30, 16).well_read());
        assert!(!read(4, 0).well_read(), "too few names to trust");
        assert!(read(20, 5).rank() > read(19, 0).rank());
        assert!(read(20, 1).rank() > read(20, 3).rank());
    }
}
