//! Label photos made from catalog lists, for tests and the OCR dev set: the list drawn in a
//! real font (Nanum, UnDotum or UnBatang for Korean; DejaVu, Liberation or Nanum for English)
//! at several sizes and widths (a box's back, a narrow receipt-like strip, two columns), with
//! the rest of the label around it (the product's name above, directions and cautions below),
//! then photographed as a phone does: the label wrapped round a bottle (lines bend, letters
//! narrow and darken toward the edges), a glare stripe, turned a little, blurred, lit
//! unevenly, noisy, sometimes a small capture scaled back up, saved as a JPEG of middling
//! quality.

use std::io::Cursor;

use ab_glyph::{Font, FontVec, PxScale, ScaleFont};
use image::imageops::FilterType;
use image::{GrayImage, Luma};
use imageproc::drawing::draw_text_mut;
use imageproc::geometric_transformations::{rotate_about_center, Interpolation};

/// Fonts on a Debian machine with `fonts-nanum` and `fonts-dejavu-core`.
pub const NANUM_GOTHIC: &str = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf";
pub const NANUM_MYEONGJO: &str = "/usr/share/fonts/truetype/nanum/NanumMyeongjo.ttf";
pub const NANUM_BARUN: &str = "/usr/share/fonts/truetype/nanum/NanumBarunGothic.ttf";
pub const DEJAVU_SANS: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
/// With `fonts-liberation` and `fonts-unfonts-core`: families the reader was not tuned on.
pub const LIBERATION_SANS: &str = "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf";
pub const LIBERATION_SERIF: &str =
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf";
pub const UN_DOTUM: &str = "/usr/share/fonts/truetype/unfonts-core/UnDotum.ttf";
pub const UN_BATANG: &str = "/usr/share/fonts/truetype/unfonts-core/UnBatang.ttf";

/// A label's text: what is printed above the list (the product's name and size), the list's
/// heading and the list, and what follows it (directions, cautions).
#[derive(Debug, Clone, Default)]
pub struct LabelText<'a> {
    pub before: &'a str,
    pub heading: &'a str,
    pub list: &'a str,
    pub after: &'a str,
}

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
    /// How far round a bottle the label is wrapped: the angle in radians from the middle of
    /// the photo to the label's side edge (0: flat; 1.0: the edges face 57° away).
    pub curve: f32,
    /// How far, in pixels, a line's ends bend away from its middle on a curved label (the
    /// camera a little above or below the bottle's middle).
    pub bend: f32,
    /// A glare stripe's strength (0: none; 0.8: text in it barely darker than the paper).
    pub glare: f32,
    /// The photo taken this much smaller and scaled back up (1: full size).
    pub capture_scale: f32,
    /// The list set in this many columns (1 or 2).
    pub columns: u8,
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
            curve: 0.0,
            bend: 0.0,
            glare: 0.0,
            capture_scale: 1.0,
            columns: 1,
        }
    }

    /// The `n`th of a spread of styles: sizes, widths, turns, blur, noise, light, curves,
    /// glare, captures and columns cycle at different periods, so a few hundred photos cover
    /// their combinations.
    pub fn varied(n: u64, korean: bool) -> Self {
        let fonts: &[&'static str] = if korean {
            &[
                NANUM_GOTHIC,
                NANUM_MYEONGJO,
                NANUM_BARUN,
                UN_DOTUM,
                UN_BATANG,
            ]
        } else {
            &[
                DEJAVU_SANS,
                NANUM_GOTHIC,
                LIBERATION_SANS,
                NANUM_BARUN,
                LIBERATION_SERIF,
            ]
        };
        let narrow = n % 5 == 4;
        // Half the photos are of a bottle, from barely curved to wrapped a third of the way.
        let curve = [0.0, 0.45, 0.0, 0.75, 1.0, 0.0, 0.6, 0.0, 0.9, 0.3][(n % 10) as usize];
        PhotoStyle {
            // Not `n % 5`: the narrow strips (n % 5 == 4) would all be in one font.
            font: fonts[((n + n / 5) % 5) as usize],
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
            curve,
            bend: if curve > 0.0 {
                [-30.0, 12.0, 24.0, -8.0][((n / 7) % 4) as usize]
            } else {
                0.0
            },
            glare: [0.0, 0.0, 0.55, 0.0, 0.75][((n / 3) % 5) as usize],
            capture_scale: if n % 6 == 5 { 0.55 } else { 1.0 },
            columns: if !narrow && n % 9 == 7 { 2 } else { 1 },
        }
    }
}

/// A JPEG of `heading` and `list` printed as on a label's back and photographed in `style`.
pub fn label_photo(heading: &str, list: &str, style: &PhotoStyle) -> Vec<u8> {
    label_photo_of(
        &LabelText {
            heading,
            list,
            ..LabelText::default()
        },
        style,
    )
}

/// A JPEG of a whole label's `text` photographed in `style`.
pub fn label_photo_of(text: &LabelText, style: &PhotoStyle) -> Vec<u8> {
    let bytes = std::fs::read(style.font).unwrap_or_else(|e| panic!("{}: {e}", style.font));
    let font = FontVec::try_from_vec(bytes).expect("a TrueType font");
    let scale = PxScale::from(style.text_px);
    let margin = (style.text_px * 1.5) as u32;
    let line_height = (style.text_px * 1.35).ceil() as u32;
    let inner = style.width - 2 * margin;
    // What is drawn: lines of text at a scale, at an x, stacked down the label.
    let mut rows: Vec<(u32, PxScale, String)> = Vec::new();
    // The product's name in larger type, as labels print it.
    let large = PxScale::from(style.text_px * 1.4);
    for line in text.before.lines().filter(|l| !l.trim().is_empty()) {
        for wrapped_line in wrapped(&font, large, line, inner) {
            rows.push((margin, large, wrapped_line));
        }
    }
    let before_height = rows.len() as u32 * (line_height * 14 / 10);
    let list_text = format!("{} {}", text.heading, text.list);
    let mut list_rows = Vec::new();
    if style.columns >= 2 {
        let gap = margin;
        let column = (inner - gap) / 2;
        let lines = wrapped(&font, scale, list_text.trim(), column);
        let half = lines.len().div_ceil(2);
        for (i, line) in lines.into_iter().enumerate() {
            let (x, row) = if i < half {
                (margin, i)
            } else {
                (margin + column + gap, i - half)
            };
            list_rows.push((x, row, line));
        }
    } else {
        for (i, line) in wrapped(&font, scale, list_text.trim(), inner)
            .into_iter()
            .enumerate()
        {
            list_rows.push((margin, i, line));
        }
    }
    let list_lines = list_rows
        .iter()
        .map(|(_, row, _)| row + 1)
        .max()
        .unwrap_or(0) as u32;
    let mut after_rows = Vec::new();
    for paragraph in text.after.lines().filter(|l| !l.trim().is_empty()) {
        after_rows.extend(wrapped(&font, scale, paragraph, inner));
    }
    let gap_after = if after_rows.is_empty() {
        0
    } else {
        line_height / 2
    };
    let height = 2 * margin
        + before_height
        + line_height * (list_lines + after_rows.len() as u32)
        + gap_after;
    let mut image = GrayImage::from_pixel(style.width, height, Luma([246]));
    for (i, (x, row_scale, line)) in rows.iter().enumerate() {
        let y = (margin + i as u32 * (line_height * 14 / 10)) as i32;
        draw_text_mut(
            &mut image,
            Luma([28]),
            *x as i32,
            y,
            *row_scale,
            &font,
            line,
        );
    }
    let list_top = margin + before_height;
    for (x, row, line) in &list_rows {
        let y = (list_top + line_height * *row as u32) as i32;
        draw_text_mut(&mut image, Luma([28]), *x as i32, y, scale, &font, line);
    }
    let after_top = list_top + line_height * list_lines + gap_after;
    for (i, line) in after_rows.iter().enumerate() {
        let y = (after_top + line_height * i as u32) as i32;
        draw_text_mut(&mut image, Luma([28]), margin as i32, y, scale, &font, line);
    }
    let image = if style.curve > 0.0 {
        on_a_bottle(&image, style.curve, style.bend)
    } else {
        image
    };
    // The photo: the label on a darker table, turned, unevenly lit, blurred, noisy.
    let pad = margin * 2;
    let mut photo = GrayImage::from_pixel(
        image.width() + 2 * pad,
        image.height() + 2 * pad,
        Luma([150]),
    );
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
    if style.glare > 0.0 {
        // A bright stripe down the bottle, somewhere in its middle third, a twentieth wide.
        let centre = width * (0.35 + 0.3 * ((style.seed * 7919) % 100) as f32 / 100.0);
        let spread = width * 0.05;
        for (x, _, pixel) in photo.enumerate_pixels_mut() {
            let d = (x as f32 - centre) / spread;
            let g = style.glare * (-0.5 * d * d).exp();
            let v = f32::from(pixel.0[0]);
            pixel.0[0] = (v + (255.0 - v) * g).min(255.0) as u8;
        }
    }
    if style.blur > 0.0 {
        photo = imageproc::filter::gaussian_blur_f32(&photo, style.blur);
    }
    if style.noise > 0.0 {
        imageproc::noise::gaussian_noise_mut(&mut photo, 0.0, style.noise, style.seed);
    }
    if style.capture_scale < 1.0 {
        let (w, h) = photo.dimensions();
        let small_w = ((w as f32 * style.capture_scale) as u32).max(1);
        let small_h = ((h as f32 * style.capture_scale) as u32).max(1);
        let small = image::imageops::resize(&photo, small_w, small_h, FilterType::Triangle);
        photo = image::imageops::resize(&small, w, h, FilterType::CatmullRom);
    }
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(Cursor::new(&mut jpeg), style.jpeg_quality)
        .encode_image(&photo)
        .expect("a JPEG in memory");
    jpeg
}

/// `label` as a camera sees it wrapped round a bottle: a point `u` along the label from its
/// middle sits at the angle `u / r` round the bottle and shows at `r sin(u / r)`, so letters
/// narrow toward the edges; the light falls off as the surface turns away; lines bend by up to
/// `bend` pixels at the edges, more further down the label (the camera above its middle).
fn on_a_bottle(label: &GrayImage, curve: f32, bend: f32) -> GrayImage {
    let (width, height) = label.dimensions();
    let half = width as f32 / 2.0;
    let radius = half / curve;
    let shown_half = radius * curve.sin();
    let out_width = (2.0 * shown_half).ceil() as u32;
    let extra = bend.abs().ceil() as u32;
    let out_height = height + 2 * extra;
    GrayImage::from_fn(out_width, out_height, |x, y| {
        let offset = (x as f32 - shown_half) / radius;
        if offset.abs() >= 1.0 {
            return Luma([150]);
        }
        let angle = offset.asin();
        let u = radius * angle + half;
        let down = y as f32 / out_height as f32;
        let bow = bend * (0.4 + down) * (1.0 - angle.cos()) / (1.0 - curve.cos()).max(1e-3);
        let v = y as f32 - extra as f32 - bow;
        if u < 0.0 || v < 0.0 || u >= (width - 1) as f32 || v >= (height - 1) as f32 {
            return Luma([150]);
        }
        let (x0, y0) = (u.floor(), v.floor());
        let (fx, fy) = (u - x0, v - y0);
        let at = |x: f32, y: f32| f32::from(label.get_pixel(x as u32, y as u32).0[0]);
        let top = at(x0, y0) * (1.0 - fx) + at(x0 + 1.0, y0) * fx;
        let bottom = at(x0, y0 + 1.0) * (1.0 - fx) + at(x0 + 1.0, y0 + 1.0) * fx;
        let light = 0.45 + 0.55 * angle.cos();
        Luma([((top * (1.0 - fy) + bottom * fy) * light) as u8])
    })
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
        // A name longer than the line is broken where the line ends, as a label prints it,
        // not run over the margin or the next column.
        while measure(&line) > width as f32 && line.chars().count() > 1 {
            let mut fits = String::new();
            for c in line.chars() {
                if measure(&format!("{fits}{c}")) > width as f32 && !fits.is_empty() {
                    break;
                }
                fits.push(c);
            }
            line = line[fits.len()..].to_string();
            lines.push(fits);
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
