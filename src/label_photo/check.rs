//! What an upload is, before anything heavy is done with it: the format from its first bytes
//! (never the file name or the browser's word), the size from its header, and a decode bounded
//! in pixels and memory, so a decompression bomb is refused before it is unpacked.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use super::{PhotoError, MAX_PIXELS};

/// JPEG, PNG or WebP, by signature.
pub fn format_of(bytes: &[u8]) -> Result<ImageFormat, PhotoError> {
    if bytes.is_empty() {
        return Err(PhotoError::Missing);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok(ImageFormat::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Ok(ImageFormat::Png)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Ok(ImageFormat::WebP)
    } else {
        Err(PhotoError::NotAnImage)
    }
}

/// The picture, upright (its EXIF orientation applied), if its pixels are within the cap.
pub fn decode(bytes: &[u8], format: ImageFormat) -> Result<DynamicImage, PhotoError> {
    let unreadable = |e: image::ImageError| PhotoError::Unreadable(e.to_string());
    // A JPEG cut off in the sending decodes as far as it goes, the rest grey: it must end with
    // its end-of-image marker (a camera may add a few bytes after it).
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    if format == ImageFormat::Jpeg && !tail.windows(2).any(|w| w == [0xFF, 0xD9]) {
        return Err(PhotoError::Unreadable("the JPEG is cut off".to_string()));
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let (width, height) = ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(unreadable)?;
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_PIXELS {
        return Err(PhotoError::TooManyPixels(pixels));
    }
    let mut limits = Limits::default();
    // Four bytes a pixel at most, and room for the decoder's own buffers.
    limits.max_alloc = Some(MAX_PIXELS * 4 + (64 << 20));
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    Ok(image)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        DynamicImage::new_luma8(width, height)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn the_format_comes_from_the_bytes() {
        assert_eq!(format_of(&png(2, 2)), Ok(ImageFormat::Png));
        assert_eq!(format_of(b"GIF89a......"), Err(PhotoError::NotAnImage));
        assert_eq!(format_of(b"%PDF-1.4"), Err(PhotoError::NotAnImage));
        assert_eq!(format_of(b""), Err(PhotoError::Missing));
        assert_eq!(format_of(b"RIFF\0\0\0\0WEBPVP8 "), Ok(ImageFormat::WebP));
    }

    #[test]
    fn a_truncated_image_is_unreadable_not_a_panic() {
        let whole = png(64, 64);
        let cut = &whole[..whole.len() / 2];
        assert!(matches!(
            decode(cut, ImageFormat::Png),
            Err(PhotoError::Unreadable(_))
        ));
    }

    /// A 1 x 1 PNG whose header claims `width` x `height` (its checksum made right): what a
    /// decompression bomb looks like to the size check.
    pub fn png_claiming(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = png(1, 1);
        bytes[16..20].copy_from_slice(&width.to_be_bytes());
        bytes[20..24].copy_from_slice(&height.to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.sum().to_be_bytes());
        bytes
    }

    #[test]
    fn too_many_pixels_are_refused_before_decoding() {
        assert_eq!(
            decode(&png_claiming(20_000, 20_000), ImageFormat::Png).err(),
            Some(PhotoError::TooManyPixels(400_000_000))
        );
        assert!(decode(&png(300, 200), ImageFormat::Png).is_ok());
    }
}
