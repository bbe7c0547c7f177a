//! Label photos made from catalog lists, for tests and the OCR dev set: the list drawn in a
//! real font (Nanum for Korean, DejaVu or Nanum for English) at several sizes and widths (a
//! box's back, or a narrow receipt-like strip), then photographed badly: turned a little,
//! blurred, lit unevenly, noisy, saved as a JPEG of middling quality.

use std::io::Cursor;

use ab_glyph::{Font, FontVec, PxScale, ScaleFont};
use image::{GrayImage, Luma};
use imageproc::drawing::draw_text_mut;
use imageproc::geometric_transformations::{rotate_about_center, Interpolation};

/// Fonts on a Debian machine with `fonts-nanum` and `fonts-dejavu-core`.
pub const NANUM_GOTHIC: &str = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf";
pub const NANUM_MYEONGJO: &str = "/usr/share/fonts/truetype/nanum/NanumMyeongjo.ttf";
pub const NANUM_BARUN: &str = "/usr/share/fonts/truetype/nanum/NanumBarunGothic.ttf";
pub const DEJAVU_SANS: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

/// How one photo is made.
#[derive(Debug, Clone)]
pub struct PhotoStyle {
    pub font: &'static str,
    /// Type height in pixels.
    pub text_px: f32,
    /// The label's width in pixels (a narrow strip wraps every few words).
    pub width: u32,
    /// Degrees the camera was turned.
    pub turn_degrees: f32,
    /// Gaussian blur's sigma (0: sharp).
    pub blur: f32,
    /// Noise's standard deviation, in grey levels.
    pub noise: f64,
    /// How much darker one side is (0: even light).
    pub shade: f32,
    pub jpeg_quality: u8,
    pub seed: u64,
}

impl PhotoStyle {
    /// A clear photo: straight, sharp, evenly lit, type of 30 pixels.
    pub fn clear(font: &'static str) -> Self {
        PhotoStyle {
            font,
            text_px: 30.0,
            width: 1200,
            turn_degrees: 0.0,
            blur: 0.0,
            noise: 0.0,
            shade: 0.0,
            jpeg_quality: 85,
            seed: 1,
        }
    }

    /// The `n`th of a spread of styles: sizes, widths, turns, blur, noise and light cycle at
    /// different periods, so a few hundred photos cover their combinations.
    pub fn varied(n: u64, korean: bool) -> Self {
        let fonts: &[&'static str] = if korean {
            &[NANUM_GOTHIC, NANUM_MYEONGJO, NANUM_BARUN]
        } else {
            &[DEJAVU_SANS, NANUM_GOTHIC, NANUM_BARUN]
        };
        let narrow = n % 5 == 4;
        PhotoStyle {
            font: fonts[(n % 3) as usize],
            text_px: [22.0, 26.0, 30.0, 36.0][(n % 4) as usize],
            width: if narrow {
                420
            } else {
                [900, 1200, 1500][(n % 3) as usize]
            },
            turn_degrees: [-2.5, -1.0, 0.0, 1.5, 3.0][(n % 5) as usize],
            blur: [0.0, 0.6, 1.0][(n % 3) as usize],
            noise: [0.0, 6.0, 12.0][((n / 3) % 3) as usize],
            shade: [0.0, 0.25, 0.45][((n / 2) % 3) as usize],
            jpeg_quality: [60, 75, 90][((n / 4) % 3) as usize],
            seed: n,
        }
    }
}

/// A JPEG of `heading` and `list` printed as on a label's back and photographed in `style`.
pub fn label_photo(heading: &str, list: &str, style: &PhotoStyle) -> Vec<u8> {
    let bytes = std::fs::read(style.font).unwrap_or_else(|e| panic!("{}: {e}", style.font));
    let font = FontVec::try_from_vec(bytes).expect("a TrueType font");
    let scale = PxScale::from(style.text_px);
    let margin = (style.text_px * 1.5) as u32;
    let lines = wrapped(
        &font,
        scale,
        &format!("{heading} {list}"),
        style.width - 2 * margin,
    );
    let line_height = (style.text_px * 1.35).ceil() as u32;
    let height = 2 * margin + line_height * lines.len() as u32;
    let mut image = GrayImage::from_pixel(style.width, height, Luma([246]));
    for (i, line) in lines.iter().enumerate() {
        let y = (margin + line_height * i as u32) as i32;
        draw_text_mut(&mut image, Luma([28]), margin as i32, y, scale, &font, line);
    }
    // The photo: the label on a darker table, turned, unevenly lit, blurred, noisy.
    let pad = margin * 2;
    let mut photo = GrayImage::from_pixel(style.width + 2 * pad, height + 2 * pad, Luma([150]));
    image::imageops::overlay(&mut photo, &image, i64::from(pad), i64::from(pad));
    let mut photo = rotate_about_center(
        &photo,
        style.turn_degrees.to_radians(),
        Interpolation::Bilinear,
        Luma([150]),
    );
    let width = photo.width() as f32;
    for (x, _, pixel) in photo.enumerate_pixels_mut() {
        let light = 1.0 - style.shade * (x as f32 / width);
        pixel.0[0] = (f32::from(pixel.0[0]) * light) as u8;
    }
    if style.blur > 0.0 {
        photo = imageproc::filter::gaussian_blur_f32(&photo, style.blur);
    }
    if style.noise > 0.0 {
        imageproc::noise::gaussian_noise_mut(&mut photo, 0.0, style.noise, style.seed);
    }
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(Cursor::new(&mut jpeg), style.jpeg_quality)
        .encode_image(&photo)
        .expect("a JPEG in memory");
    jpeg
}

/// `jpeg` as a phone stores a photo taken held sideways: the pixels turned a quarter to the
/// left, and (when `tagged`) an EXIF Orientation of 6 telling viewers to turn them back.
pub fn stored_sideways(jpeg: &[u8], tagged: bool) -> Vec<u8> {
    let upright = image::load_from_memory(jpeg).expect("a JPEG").to_luma8();
    let sideways = image::imageops::rotate270(&upright);
    let mut encoded = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(Cursor::new(&mut encoded), 90)
        .encode_image(&sideways)
        .expect("a JPEG in memory");
    if !tagged {
        return encoded;
    }
    // APP1: "Exif", a little-endian TIFF header, one IFD entry: Orientation (0x0112), SHORT, 6.
    let mut exif: Vec<u8> = b"Exif\0\0II\x2a\0\x08\0\0\0\x01\0".to_vec();
    exif.extend_from_slice(&[0x12, 0x01, 0x03, 0x00, 0x01, 0, 0, 0, 0x06, 0, 0, 0]);
    exif.extend_from_slice(&[0, 0, 0, 0]);
    let mut with_exif = vec![0xFF, 0xD8, 0xFF, 0xE1];
    with_exif.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
    with_exif.extend_from_slice(&exif);
    with_exif.extend_from_slice(&encoded[2..]);
    with_exif
}

/// `text` in lines no wider than `width` pixels, broken between words.
fn wrapped(font: &FontVec, scale: PxScale, text: &str, width: u32) -> Vec<String> {
    let scaled = font.as_scaled(scale);
    let measure = |s: &str| -> f32 { s.chars().map(|c| scaled.h_advance(font.glyph_id(c))).sum() };
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if measure(&candidate) > width as f32 && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            line = word.to_string();
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A 1 x 1 PNG whose header claims `width` x `height` (its checksum made right): small to
/// send, huge to unpack, what a decompression bomb looks like to a size check.
pub fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::DynamicImage::new_luma8(1, 1)
        .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .expect("a PNG in memory");
    bytes[16..20].copy_from_slice(&width.to_be_bytes());
    bytes[20..24].copy_from_slice(&height.to_be_bytes());
    let mut crc = flate2::Crc::new();
    crc.update(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.sum().to_be_bytes());
    bytes
}
