//! Image preparation for Tesseract, which reads best a dark-on-light, upright,
//! evenly lit page with letters 20-40 px high. Phone photos of menus are none of
//! that: small, tilted, lit from one side, noisy. Each step here answers one of
//! those, in plain Rust over a greyscale buffer:
//!
//! 1. greyscale (colour carries nothing for OCR);
//! 2. scale so the long side is about [`TARGET_LONG_SIDE`] (upscaling small photos
//!    is the largest single gain; huge ones are brought down to bound the time);
//! 3. flatten the lighting: divide by a blurred copy (the background), which turns
//!    a vignette or a shadow into white paper;
//! 4. straighten: the angle in +-[`MAX_SKEW_DEGREES`] whose horizontal projection is
//!    the sharpest (text rows and gaps alternate), found on a small copy;
//! 5. a light denoise (3x3 median, before the rest) against sensor and JPEG noise;
//!
//! 6. binarise with Otsu's threshold on the flattened image: it removes the paper's
//!    speckle, which otherwise made Tesseract merge or garble whole lines.

use image::{imageops, DynamicImage, GrayImage, Luma};

/// The long side we scale photos to, in pixels.
pub const TARGET_LONG_SIDE: u32 = 2400;
/// Upscaling beyond this factor only enlarges the noise.
const MAX_UPSCALE: f32 = 3.0;
/// The largest tilt we correct, either way.
pub const MAX_SKEW_DEGREES: f32 = 8.0;

/// Everything above, in order. The pixel work runs at the photo's own size (or
/// [`TARGET_LONG_SIDE`] if larger), and enlarging comes last, so a small photo
/// costs little.
pub fn prepare(img: &DynamicImage) -> GrayImage {
    let grey = img.to_luma8();
    let long = grey.width().max(grey.height()).max(1);
    let grey = if long > TARGET_LONG_SIDE {
        scale(&grey)
    } else {
        grey
    };
    let flat = flatten(&median3(&grey));
    let angle = skew_angle(&flat);
    let upright = if angle.abs() >= 0.2 {
        rotate(&flat, angle)
    } else {
        flat
    };
    binarize(&scale(&upright))
}

/// Otsu's threshold over the whole (already flattened) image.
pub fn binarize(img: &GrayImage) -> GrayImage {
    let mut hist = [0u64; 256];
    for p in img.as_raw() {
        hist[*p as usize] += 1;
    }
    let total: u64 = hist.iter().sum();
    let sum_all: f64 = hist
        .iter()
        .enumerate()
        .map(|(i, n)| i as f64 * *n as f64)
        .sum();
    let (mut w0, mut sum0, mut best, mut threshold) = (0f64, 0f64, 0f64, 128u8);
    for (t, n) in hist.iter().enumerate() {
        w0 += *n as f64;
        if w0 == 0.0 {
            continue;
        }
        let w1 = total as f64 - w0;
        if w1 == 0.0 {
            break;
        }
        sum0 += t as f64 * *n as f64;
        let m0 = sum0 / w0;
        let m1 = (sum_all - sum0) / w1;
        let between = w0 * w1 * (m0 - m1) * (m0 - m1);
        if between > best {
            best = between;
            threshold = t as u8;
        }
    }
    let mut out = img.clone();
    for p in out.iter_mut() {
        *p = if *p > threshold { 255 } else { 0 };
    }
    out
}

fn scale(img: &GrayImage) -> GrayImage {
    let long = img.width().max(img.height()).max(1) as f32;
    let factor = (TARGET_LONG_SIDE as f32 / long).min(MAX_UPSCALE);
    if (factor - 1.0).abs() < 0.05 {
        return img.clone();
    }
    let w = ((img.width() as f32 * factor).round() as u32).max(1);
    let h = ((img.height() as f32 * factor).round() as u32).max(1);
    let filter = if factor > 1.0 {
        imageops::FilterType::CatmullRom
    } else {
        imageops::FilterType::Triangle
    };
    imageops::resize(img, w, h, filter)
}

/// A box blur of radius `r` through an integral image (O(1) per pixel).
fn box_blur(img: &GrayImage, r: u32) -> GrayImage {
    let (w, h) = img.dimensions();
    let (wu, hu) = (w as usize, h as usize);
    let mut integral = vec![0u64; (wu + 1) * (hu + 1)];
    for y in 0..hu {
        let mut row = 0u64;
        for x in 0..wu {
            row += u64::from(img.get_pixel(x as u32, y as u32)[0]);
            integral[(y + 1) * (wu + 1) + x + 1] = integral[y * (wu + 1) + x + 1] + row;
        }
    }
    let r = r as usize;
    GrayImage::from_fn(w, h, |x, y| {
        let (x, y) = (x as usize, y as usize);
        let (x0, y0) = (x.saturating_sub(r), y.saturating_sub(r));
        let (x1, y1) = ((x + r + 1).min(wu), (y + r + 1).min(hu));
        let sum = integral[y1 * (wu + 1) + x1] + integral[y0 * (wu + 1) + x0]
            - integral[y0 * (wu + 1) + x1]
            - integral[y1 * (wu + 1) + x0];
        let n = ((x1 - x0) * (y1 - y0)).max(1) as u64;
        Luma([(sum / n) as u8])
    })
}

/// Divide by the background (a blur wide enough to erase letters), then stretch.
fn flatten(img: &GrayImage) -> GrayImage {
    // The background is estimated on a quarter-size copy (lighting changes slowly),
    // brightened first so dark text does not drag the paper level down, then blurred.
    let (w, h) = img.dimensions();
    let (sw, sh) = ((w / 4).max(1), (h / 4).max(1));
    let small = imageops::resize(img, sw, sh, imageops::FilterType::Triangle);
    let radius = (sw.max(sh) / 40).clamp(3, 20);
    let small_bg = box_blur(&max_filter(&small, (radius / 2).max(1)), radius);
    let background = imageops::resize(&small_bg, w, h, imageops::FilterType::Triangle);
    let mut out = GrayImage::new(img.width(), img.height());
    for (x, y, p) in img.enumerate_pixels() {
        let bg = f32::from(background.get_pixel(x, y)[0]).max(1.0);
        let v = (f32::from(p[0]) / bg * 255.0).min(255.0);
        out.put_pixel(x, y, Luma([v as u8]));
    }
    stretch(&out)
}

/// A separable max filter (grey dilation) of radius `r`.
fn max_filter(img: &GrayImage, r: u32) -> GrayImage {
    let (w, h) = img.dimensions();
    let r = r.max(1);
    let horiz = GrayImage::from_fn(w, h, |x, y| {
        let x0 = x.saturating_sub(r);
        let x1 = (x + r).min(w - 1);
        Luma([(x0..=x1)
            .map(|i| img.get_pixel(i, y)[0])
            .max()
            .unwrap_or(255)])
    });
    GrayImage::from_fn(w, h, |x, y| {
        let y0 = y.saturating_sub(r);
        let y1 = (y + r).min(h - 1);
        Luma([(y0..=y1)
            .map(|j| horiz.get_pixel(x, j)[0])
            .max()
            .unwrap_or(255)])
    })
}

/// Map the 1st..99th percentile of grey levels to 0..255.
fn stretch(img: &GrayImage) -> GrayImage {
    let mut hist = [0u64; 256];
    for p in img.pixels() {
        hist[p[0] as usize] += 1;
    }
    let total: u64 = hist.iter().sum();
    let pick = |q: f64| {
        let target = (total as f64 * q) as u64;
        let mut acc = 0;
        for (i, n) in hist.iter().enumerate() {
            acc += n;
            if acc >= target {
                return i as f32;
            }
        }
        255.0
    };
    let (lo, hi) = (pick(0.01), pick(0.99));
    if hi - lo < 8.0 {
        return img.clone();
    }
    let mut out = img.clone();
    for p in out.pixels_mut() {
        let v = ((f32::from(p[0]) - lo) / (hi - lo) * 255.0).clamp(0.0, 255.0);
        p[0] = v as u8;
    }
    out
}

/// The rotation, in degrees, that [`rotate`] must apply to make the text rows level.
pub fn skew_angle(img: &GrayImage) -> f32 {
    // Work on a copy about 600 px wide: the angle does not need the detail.
    let factor = (600.0 / img.width().max(1) as f32).min(1.0);
    let small = if factor < 1.0 {
        imageops::resize(
            img,
            ((img.width() as f32 * factor) as u32).max(1),
            ((img.height() as f32 * factor) as u32).max(1),
            imageops::FilterType::Triangle,
        )
    } else {
        img.clone()
    };
    // Ink points: dark pixels.
    let ink: Vec<(f32, f32)> = small
        .enumerate_pixels()
        .filter(|(_, _, p)| p[0] < 110)
        .map(|(x, y, _)| (x as f32, y as f32))
        .collect();
    if ink.len() < 50 {
        return 0.0;
    }
    let h = small.height() as f32;
    let w = small.width() as f32;
    let score = |deg: f32| -> f64 {
        let t = deg.to_radians().tan();
        let bins = (h + w * t.abs()) as usize + 2;
        let mut hist = vec![0u32; bins];
        let offset = if t < 0.0 { w * -t } else { 0.0 };
        for &(x, y) in &ink {
            // Shear rows by the candidate angle: a row tilted by `deg` becomes flat.
            let yy = y + x * t + offset;
            if let Some(b) = hist.get_mut(yy.max(0.0) as usize) {
                *b += 1;
            }
        }
        hist.iter().map(|&v| f64::from(v) * f64::from(v)).sum()
    };
    let mut best = (0.0f32, score(0.0));
    let mut deg = -MAX_SKEW_DEGREES;
    while deg <= MAX_SKEW_DEGREES + 1e-3 {
        let s = score(deg);
        if s > best.1 * 1.0001 {
            best = (deg, s);
        }
        deg += 0.5;
    }
    // Refine around the best coarse angle.
    let coarse = best.0;
    let mut deg = coarse - 0.5;
    while deg <= coarse + 0.5 + 1e-3 {
        let s = score(deg);
        if s > best.1 * 1.0001 {
            best = (deg, s);
        }
        deg += 0.1;
    }
    best.0
}

/// Rotate by `deg` degrees about the centre (bilinear), filling with white.
pub fn rotate(img: &GrayImage, deg: f32) -> GrayImage {
    let (w, h) = img.dimensions();
    let (s, c) = deg.to_radians().sin_cos();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    GrayImage::from_fn(w, h, |x, y| {
        let dx = x as f32 - cx;
        let dy = y as f32 - cy;
        // Inverse mapping: where in the source this output pixel comes from.
        let sx = c * dx + s * dy + cx;
        let sy = -s * dx + c * dy + cy;
        Luma([bilinear(img, sx, sy)])
    })
}

fn bilinear(img: &GrayImage, x: f32, y: f32) -> u8 {
    let (w, h) = img.dimensions();
    if x < 0.0 || y < 0.0 || x > (w - 1) as f32 || y > (h - 1) as f32 {
        return 255;
    }
    let (x0, y0) = (x.floor() as u32, y.floor() as u32);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let p = |x, y| f32::from(img.get_pixel(x, y)[0]);
    let top = p(x0, y0) * (1.0 - fx) + p(x1, y0) * fx;
    let bottom = p(x0, y1) * (1.0 - fx) + p(x1, y1) * fx;
    (top * (1.0 - fy) + bottom * fy).round() as u8
}

fn median3(img: &GrayImage) -> GrayImage {
    let (w, h) = img.dimensions();
    if w < 3 || h < 3 {
        return img.clone();
    }
    GrayImage::from_fn(w, h, |x, y| {
        let mut v = [0u8; 9];
        let mut i = 0;
        for dy in 0..3u32 {
            for dx in 0..3u32 {
                let xx = (x + dx).saturating_sub(1).min(w - 1);
                let yy = (y + dy).saturating_sub(1).min(h - 1);
                v[i] = img.get_pixel(xx, yy)[0];
                i += 1;
            }
        }
        v.sort_unstable();
        Luma([v[4]])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Dark horizontal bars (text rows) on white.
    fn rows() -> GrayImage {
        GrayImage::from_fn(400, 300, |x, y| {
            if (40..360).contains(&x) && (y / 12) % 2 == 1 && (30..270).contains(&y) {
                Luma([20])
            } else {
                Luma([235])
            }
        })
    }

    #[test]
    fn finds_and_undoes_a_tilt() {
        let tilted = rotate(&rows(), 4.0);
        let angle = skew_angle(&tilted);
        let straight = skew_angle(&rotate(&tilted, angle));
        assert!(angle.abs() > 2.5, "found {angle}");
        assert!(straight.abs() < 1.0, "found {angle}, left {straight}");
        assert!(skew_angle(&rows()).abs() < 0.3);
    }

    #[test]
    fn flattening_whitens_a_shadow() {
        let shaded = GrayImage::from_fn(300, 200, |x, _| Luma([(120 + x / 3) as u8]));
        let flat = flatten(&shaded);
        let min = flat.pixels().map(|p| p[0]).min().unwrap_or(0);
        assert!(min > 150, "background still dark: {min}");
    }

    #[test]
    fn small_photos_are_enlarged() {
        let img = DynamicImage::ImageLuma8(GrayImage::from_pixel(800, 500, Luma([255])));
        let out = prepare(&img);
        assert_eq!(out.width(), 2400);
    }
}
