//! Checks on an uploaded menu photo, made before anything decodes it, shared by the
//! OCR and Claude extractors:
//!
//! 1. the byte size, against [`UploadLimits::max_bytes`];
//! 2. the kind, told by magic bytes ([`ImageKind::sniff`]), never by a declared type
//!    or a file name;
//! 3. the pixel count, read from the header alone, against
//!    [`UploadLimits::max_pixels`]: a 40 kB PNG can claim 50 000 x 50 000 pixels
//!    (a decompression bomb), and is refused before a byte of it is inflated.
//!
//! Decoding then runs under the same limits (the decoder refuses to allocate more),
//! and applies the EXIF orientation a phone camera records.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use crate::error::{Error, Result};
use crate::ports::catalog::{ImageKind, MAX_MENU_BYTES};

/// What an upload may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadLimits {
    pub max_bytes: usize,
    /// Width times height.
    pub max_pixels: u64,
    /// Longest side, in pixels.
    pub max_side: u32,
}

impl Default for UploadLimits {
    fn default() -> Self {
        Self {
            max_bytes: MAX_MENU_BYTES,
            // A 48 MP phone photo is 8000 x 6000; anything beyond is not a menu photo.
            max_pixels: 50_000_000,
            max_side: 12_000,
        }
    }
}

/// An upload that passed the checks: its kind and its size in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckedImage {
    pub kind: ImageKind,
    pub width: u32,
    pub height: u32,
}

fn format_of(kind: ImageKind) -> ImageFormat {
    match kind {
        ImageKind::Jpeg => ImageFormat::Jpeg,
        ImageKind::Png => ImageFormat::Png,
        ImageKind::Gif => ImageFormat::Gif,
        ImageKind::Webp => ImageFormat::WebP,
    }
}

/// The name of an image kind, for messages.
pub fn kind_name(kind: ImageKind) -> &'static str {
    match kind {
        ImageKind::Jpeg => "JPEG",
        ImageKind::Png => "PNG",
        ImageKind::Gif => "GIF",
        ImageKind::Webp => "WebP",
    }
}

/// The media type of an image kind (`image/jpeg`, ...).
pub fn media_type(kind: ImageKind) -> &'static str {
    match kind {
        ImageKind::Jpeg => "image/jpeg",
        ImageKind::Png => "image/png",
        ImageKind::Gif => "image/gif",
        ImageKind::Webp => "image/webp",
    }
}

/// Size, magic bytes and pixel count, without decoding. `Validation` on field
/// `image`, naming the problem.
pub fn check(bytes: &[u8], limits: &UploadLimits) -> Result<CheckedImage> {
    if bytes.is_empty() {
        return Err(Error::field("image", "is empty"));
    }
    if bytes.len() > limits.max_bytes {
        return Err(Error::field(
            "image",
            format!(
                "is {} bytes; a photo may be at most {} bytes",
                bytes.len(),
                limits.max_bytes
            ),
        ));
    }
    let Some(kind) = ImageKind::sniff(bytes) else {
        return Err(Error::field(
            "image",
            "is not a JPEG, PNG, GIF or WebP image (judged by its first bytes, not its name or declared type)",
        ));
    };
    let reader = ImageReader::with_format(Cursor::new(bytes), format_of(kind));
    let (width, height) = reader.into_dimensions().map_err(|e| {
        Error::field(
            "image",
            format!(
                "looks like a {} but its header cannot be read: {e}",
                kind_name(kind)
            ),
        )
    })?;
    if width == 0 || height == 0 {
        return Err(Error::field("image", "has no pixels"));
    }
    let pixels = u64::from(width) * u64::from(height);
    if pixels > limits.max_pixels || width.max(height) > limits.max_side {
        return Err(Error::field(
            "image",
            format!(
                "is {width} x {height} pixels; a photo may have at most {} pixels and {} on a side",
                limits.max_pixels, limits.max_side
            ),
        ));
    }
    Ok(CheckedImage {
        kind,
        width,
        height,
    })
}

/// [`check`], then decode under the same limits and turn the picture upright
/// according to its EXIF orientation.
pub fn decode(bytes: &[u8], limits: &UploadLimits) -> Result<(CheckedImage, DynamicImage)> {
    let checked = check(bytes, limits)?;
    let mut decoder_limits = Limits::default();
    decoder_limits.max_image_width = Some(limits.max_side);
    decoder_limits.max_image_height = Some(limits.max_side);
    // RGBA8 of the largest allowed picture, plus the decoder's own buffers.
    decoder_limits.max_alloc = Some(limits.max_pixels.saturating_mul(4).saturating_add(64 << 20));
    let bad = |e: image::ImageError| {
        Error::field(
            "image",
            format!(
                "is a {} that cannot be decoded: {e}",
                kind_name(checked.kind)
            ),
        )
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format_of(checked.kind));
    reader.limits(decoder_limits);
    let mut decoder = reader.into_decoder().map_err(bad)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(bad)?;
    img.apply_orientation(orientation);
    Ok((checked, img))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = image::GrayImage::from_pixel(width, height, image::Luma([255]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).expect("encode");
        out.into_inner()
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn accepts_a_small_png() {
        let (c, img) = decode(&png(40, 20), &UploadLimits::default()).expect("ok");
        assert_eq!((c.kind, c.width, c.height), (ImageKind::Png, 40, 20));
        assert_eq!((img.width(), img.height()), (40, 20));
    }

    #[test]
    fn judges_by_magic_bytes() {
        let err = check(
            b"GIF is what the name says, but not the bytes",
            &UploadLimits::default(),
        );
        assert!(err.is_err());
        let err = check(b"<html>not an image</html>", &UploadLimits::default())
            .expect_err("not an image");
        assert_eq!(err.field_errors()[0].field, "image");
        assert!(err.field_errors()[0].message.contains("first bytes"));
    }

    #[test]
    fn refuses_too_many_bytes() {
        let limits = UploadLimits {
            max_bytes: 100,
            ..UploadLimits::default()
        };
        let err = check(&png(400, 400), &limits).expect_err("too big");
        assert!(err.field_errors()[0].message.contains("at most 100 bytes"));
    }

    #[test]
    fn refuses_a_pixel_bomb_from_its_header() {
        // A valid PNG header claiming 60000 x 60000 pixels, with no data behind it.
        let mut bomb = png(1, 1);
        bomb[16..20].copy_from_slice(&60_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&60_000u32.to_be_bytes());
        let crc = crc32(&bomb[12..29]);
        bomb[29..33].copy_from_slice(&crc.to_be_bytes());
        let err = check(&bomb, &UploadLimits::default()).expect_err("bomb");
        assert!(
            err.field_errors()[0].message.contains("60000 x 60000"),
            "{err}"
        );
    }

    #[test]
    fn truncated_file_is_a_clear_error() {
        let mut bytes = png(50, 50);
        bytes.truncate(60);
        let err = decode(&bytes, &UploadLimits::default()).expect_err("truncated");
        assert_eq!(err.field_errors()[0].field, "image");
    }
}
