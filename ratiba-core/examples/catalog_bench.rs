//! Catalog extraction timings, against a floor.
//!
//!     cargo run -p ratiba-core --example catalog_bench --features ocr [-- PHOTO]
//!
//! - the text path on a generated 100-line menu (grammar, colours, cross-sell),
//!   against the floor of only splitting the same text into lines and words;
//! - the OCR path on one photo (the given file, else a menu rendered here):
//!   checks + decode, preprocessing, and the Tesseract run, against the floor of
//!   starting Tesseract on a 1x1 image (what the process costs by itself).
//!
//! With `extract FILE` it prints the extraction of one file instead (the same
//! JSON as `ratiba catalog extract --json`), without the CLI.

use std::io::Cursor;
use std::time::{Duration, Instant};

use ratiba_core::backends::ocr::{preprocess, OcrExtractor};
use ratiba_core::backends::upload::{self, UploadLimits};
use ratiba_core::catalog::{extract_text, review, DEFAULT_FLOOR_KES};
use ratiba_core::ports::{CatalogExtractor, MenuInput};

fn menu_100_lines() -> String {
    let services = [
        ("Haircut", 800),
        ("Beard trim", 300),
        ("Wash & blow dry", 1200),
        ("Manicure", 1000),
        ("Pedicure", 1500),
        ("Gel polish", 1800),
        ("Swedish massage", 4500),
        ("Facial", 3000),
        ("Box braids", 3500),
        ("Waxing", 900),
    ];
    let mut out = String::from("BELLA SPA — PRICE LIST\n");
    for i in 0..99 {
        if i % 10 == 0 {
            out.push_str(&format!("SECTION {}\n", i / 10 + 1));
            continue;
        }
        let (name, price) = services[i % services.len()];
        out.push_str(&format!(
            "{name} {} ........ KES {} ({} min)\n",
            i / 10 + 1,
            price + i as u32 * 10,
            30 + (i % 4) * 15
        ));
    }
    out
}

fn time<T>(runs: u32, mut f: impl FnMut() -> T) -> Duration {
    let start = Instant::now();
    for _ in 0..runs {
        std::hint::black_box(f());
    }
    start.elapsed() / runs
}

fn rendered_photo() -> Vec<u8> {
    // A plain synthetic page: dark bars as text rows are enough to time the
    // image steps; a real photo is better for the Tesseract step.
    let img = image::GrayImage::from_fn(1200, 900, |x, y| {
        if (100..1100).contains(&x) && (y / 20) % 3 == 1 && (x / 14) % 5 != 0 {
            image::Luma([30])
        } else {
            image::Luma([225])
        }
    });
    let mut out = Cursor::new(Vec::new());
    let _ = img.write_to(&mut out, image::ImageFormat::Png);
    out.into_inner()
}

#[tokio::main]
async fn main() -> ratiba_core::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let ocr = OcrExtractor::default();
    if args.first().map(String::as_str) == Some("ocr-text") {
        let path = args.get(1).cloned().unwrap_or_default();
        let bytes = std::fs::read(&path)
            .map_err(|e| ratiba_core::Error::field("file", format!("{path}: {e}")))?;
        let t = Instant::now();
        let (_, img) = upload::decode(&bytes, &UploadLimits::default())?;
        let p = preprocess::prepare(&img);
        eprintln!("decode+prepare {:?}", t.elapsed());
        if let Some(out) = args.get(2) {
            let _ = p.save(out);
        }
        let ocr_text = ocr.read_photo(&bytes).await?;
        for (line, conf) in ocr_text.text.lines().zip(&ocr_text.line_confidence) {
            println!("{conf:5.1} | {line}");
        }
        return Ok(());
    }
    if args.first().map(String::as_str) == Some("extract") {
        let path = args.get(1).cloned().unwrap_or_default();
        let bytes = std::fs::read(&path)
            .map_err(|e| ratiba_core::Error::field("file", format!("{path}: {e}")))?;
        let menu = MenuInput::from_bytes("file", bytes)?;
        let candidates = ocr.extract(&menu).await?;
        let extraction = review(&candidates, DEFAULT_FLOOR_KES);
        println!("{}", extraction.contract_json());
        return Ok(());
    }

    let menu = menu_100_lines();
    let rows = extract_text(&menu, DEFAULT_FLOOR_KES).rows.len();
    let floor = time(200, || {
        menu.lines()
            .map(|l| l.split_whitespace().count())
            .sum::<usize>()
    });
    let text = time(50, || extract_text(&menu, DEFAULT_FLOOR_KES));
    println!(
        "text, 100-line menu ({rows} rows): {text:?} per menu (floor: split into words {floor:?})"
    );

    let photo = match args.first() {
        Some(path) => std::fs::read(path)
            .map_err(|e| ratiba_core::Error::field("photo", format!("{path}: {e}")))?,
        None => rendered_photo(),
    };
    if let Err(e) = ocr.available().await {
        println!("ocr: skipped: {e}");
        return Ok(());
    }
    let limits = UploadLimits::default();
    let decode = time(5, || {
        upload::decode(&photo, &limits).map(|(_, i)| i.width())
    });
    let (_, img) = upload::decode(&photo, &limits)?;
    let prepare = time(3, || preprocess::prepare(&img));
    let tiny = {
        let mut out = Cursor::new(Vec::new());
        let _ = image::GrayImage::from_pixel(1, 1, image::Luma([255]))
            .write_to(&mut out, image::ImageFormat::Png);
        out.into_inner()
    };
    let start = Instant::now();
    for _ in 0..3 {
        let _ = ocr.read_photo(&tiny).await;
    }
    let process_floor = start.elapsed() / 3;
    let start = Instant::now();
    let mut rows = 0;
    for _ in 0..3 {
        rows = ocr
            .extract(&MenuInput {
                text: None,
                image: Some(photo.clone()),
            })
            .await?
            .rows
            .len();
    }
    let whole = start.elapsed() / 3;
    println!(
        "ocr, one photo ({} x {}, {rows} rows): {whole:?} in all = checks+decode {decode:?} + preprocessing {prepare:?} + Tesseract and parsing (floor: Tesseract on a 1x1 image {process_floor:?})",
        img.width(),
        img.height()
    );
    Ok(())
}
