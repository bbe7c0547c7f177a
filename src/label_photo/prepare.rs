//! The picture made easy for Tesseract: grey, its contrast stretched, and scaled so the
//! label's text is near the height Tesseract reads best (a phone photo is mostly scaled down,
//! which also makes OCR faster; a small crop is scaled up).

use image::imageops::FilterType;
use image::{DynamicImage, GrayImage};

/// The width a label photo is brought to: at this width a label's type is about 25 to 40
/// pixels tall, in the range Tesseract's LSTM models were trained on.
pub const TARGET_WIDTH: u32 = 1800;

pub fn for_ocr(image: DynamicImage) -> GrayImage {
    let grey = image.to_luma8();
    let (width, height) = grey.dimensions();
    let scaled = if !(TARGET_WIDTH / 2..=TARGET_WIDTH * 5 / 4).contains(&width) {
        let factor = f64::from(TARGET_WIDTH) / f64::from(width.max(1));
        let new_height = ((f64::from(height) * factor).round() as u32).max(1);
        image::imageops::resize(&grey, TARGET_WIDTH, new_height, FilterType::Triangle)
    } else {
        grey
    };
    stretched(scaled)
}

/// The darkest 1 % made black and the lightest 1 % white, the rest spread between: a photo
/// in dim or uneven light has its text and paper apart again.
fn stretched(mut grey: GrayImage) -> GrayImage {
    let mut histogram = [0u64; 256];
    for pixel in grey.pixels() {
        histogram[usize::from(pixel.0[0])] += 1;
    }
    let total: u64 = histogram.iter().sum();
    let cut = total / 100;
    let level_at = |from_dark: bool| -> u8 {
        let mut seen = 0;
        let levels: Box<dyn Iterator<Item = usize>> = if from_dark {
            Box::new(0..256)
        } else {
            Box::new((0..256).rev())
        };
        for level in levels {
            seen += histogram[level];
            if seen > cut {
                return level as u8;
            }
        }
        if from_dark {
            0
        } else {
            255
        }
    };
    let (low, high) = (level_at(true), level_at(false));
    if high <= low.saturating_add(16) {
        return grey;
    }
    let span = f32::from(high - low);
    for pixel in grey.pixels_mut() {
        let value = f32::from(pixel.0[0].clamp(low, high) - low) / span * 255.0;
        pixel.0[0] = value.round() as u8;
    }
    grey
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_photo_is_scaled_to_the_target_width_and_a_dim_one_stretched() {
        let dim = GrayImage::from_fn(4000, 3000, |x, _| image::Luma([100 + (x % 40) as u8]));
        let prepared = for_ocr(DynamicImage::ImageLuma8(dim));
        assert_eq!(prepared.dimensions(), (TARGET_WIDTH, 1350));
        let (min, max) = prepared
            .pixels()
            .fold((255, 0), |(lo, hi), p| (lo.min(p.0[0]), hi.max(p.0[0])));
        assert!(min < 10 && max > 245, "{min}..{max}");
    }
}
