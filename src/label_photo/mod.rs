//! A photo of a label's ingredient list (전성분) read into text, to be answered like a pasted
//! list: the upload checked (`check`), the picture prepared for OCR (`prepare`), Tesseract run
//! in a subprocess with a time limit (`ocr`), one job per core with a short queue (`jobs`).
//! Nothing is stored.

pub mod check;
pub mod jobs;
pub mod ocr;
pub mod prepare;

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

/// The text of the ingredient list in `bytes` (a JPEG, PNG or WebP photo).
pub fn read_label(bytes: &[u8]) -> Result<String, PhotoError> {
    let format = check::format_of(bytes)?;
    let image = check::decode(bytes, format)?;
    let prepared = prepare::for_ocr(image);
    let text = ocr::recognise(&prepared, OCR_TIME_LIMIT)?;
    let list = ocr::ingredient_part(&text);
    if list.trim().is_empty() {
        return Err(PhotoError::NoText);
    }
    Ok(list)
}
