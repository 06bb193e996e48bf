//! The OCR extractor (feature `ocr`): menu photos read offline by the machine's
//! Tesseract (Debian `tesseract-ocr` + `tesseract-ocr-eng`), fed to the same menu
//! grammar as pasted text.
//!
//! # Why the `tesseract` binary, over stdin and stdout
//!
//! Linking libtesseract (through a `-sys` crate) would need its C++ headers and a
//! matching leptonica at build time on every machine, `unsafe` FFI, and would put a
//! C++ engine that can abort or loop on a hostile image inside our process. Running
//! the packaged binary needs only the runtime package, keeps any crash in a child
//! process, lets a timeout really stop it (the child is killed), and nothing touches
//! the disk: the prepared image goes in on stdin (`stdin` as the input name) and the
//! TSV output (each word with its box and confidence) comes back on stdout. Starting
//! the process costs ~50 ms against seconds of recognition.
//!
//! # The path of a photo
//!
//! [`crate::backends::upload`] checks it before decoding (size, magic bytes, pixel
//! count) and turns it upright by its EXIF orientation; [`preprocess`] makes it
//! greyscale, scales it, flattens the lighting, straightens it; Tesseract reads it
//! (page segmentation mode 4, one column of lines of varying size, which is what a
//! menu is); the words are put back into lines ([`tsv`]), keeping wide gaps as
//! column breaks; then [`crate::catalog::grammar::parse_menu_with`] reads them with
//! `from_ocr = true`, which repairs digit confusions (`1,5OO`) and keeps every row at
//! most yellow. A row becomes eligible for green only when Tesseract was sure of
//! every word of the lines it came from ([`OcrConfig::confident_word`]); the colour
//! itself is still the policy's ([`crate::catalog::policy`]).

pub mod preprocess;
pub mod tsv;

use std::io::Cursor;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use async_trait::async_trait;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::backends::upload::{self, UploadLimits};
use crate::catalog::{grammar, name_key};
use crate::error::{Error, Result};
use crate::ports::{Candidates, CatalogExtractor, MenuInput};

/// How to run Tesseract.
#[derive(Debug, Clone)]
pub struct OcrConfig {
    /// The binary, looked up on `PATH` unless absolute.
    pub binary: PathBuf,
    /// Tesseract language packs, `+`-joined (`eng`).
    pub languages: String,
    /// Page segmentation mode (4: a single column of text of variable sizes).
    pub psm: u8,
    /// Longest one recognition may take; the child is killed after it.
    pub timeout: Duration,
    pub limits: UploadLimits,
    /// A word is sure when Tesseract's confidence is at least this (0-100).
    pub confident_word: f32,
}

impl Default for OcrConfig {
    fn default() -> Self {
        Self {
            binary: PathBuf::from("tesseract"),
            languages: "eng".into(),
            psm: 6,
            timeout: Duration::from_secs(60),
            limits: UploadLimits::default(),
            confident_word: 90.0,
        }
    }
}

/// Reads photos with Tesseract and pasted text with the grammar; with both, the
/// typed rows win and the photo adds the rows the text lacks.
#[derive(Debug, Clone, Default)]
pub struct OcrExtractor {
    config: OcrConfig,
}

/// What one photo gave: the text as lines, and which lines were read with confidence.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OcrText {
    pub text: String,
    /// Per line of `text`: the lowest word confidence (100 for blank lines).
    pub line_confidence: Vec<f32>,
}

impl OcrExtractor {
    pub fn new(config: OcrConfig) -> Self {
        Self { config }
    }

    pub fn config(&self) -> &OcrConfig {
        &self.config
    }

    /// Whether the Tesseract binary runs and has the configured languages.
    pub async fn available(&self) -> Result<()> {
        let out = tokio::process::Command::new(&self.config.binary)
            .arg("--list-langs")
            .stdin(Stdio::null())
            .output()
            .await
            .map_err(|e| self.spawn_error(e))?;
        let listed = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        for lang in self.config.languages.split('+') {
            if !listed.lines().any(|l| l.trim() == lang) {
                return Err(Error::unavailable(
                    format!(
                        "Tesseract has no '{lang}' language data: install the tesseract-ocr-{lang} package"
                    ),
                    None,
                ));
            }
        }
        Ok(())
    }

    fn spawn_error(&self, e: std::io::Error) -> Error {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::unavailable(
                format!(
                    "reading photos needs Tesseract, and '{}' was not found: install the \
                     tesseract-ocr and tesseract-ocr-eng packages",
                    self.config.binary.display()
                ),
                None,
            )
        } else {
            Error::backend(format!(
                "could not start Tesseract ('{}'): {e}",
                self.config.binary.display()
            ))
        }
    }

    /// The photo's text, line by line, with confidences: checks, preprocessing and
    /// one Tesseract run.
    pub async fn read_photo(&self, bytes: &[u8]) -> Result<OcrText> {
        let (_, img) = upload::decode(bytes, &self.config.limits)?;
        let prepared = tokio::task::spawn_blocking(move || {
            let grey = preprocess::prepare(&img);
            let mut png = Cursor::new(Vec::new());
            grey.write_to(&mut png, image::ImageFormat::Png)
                .map(|_| png.into_inner())
        })
        .await
        .map_err(|e| Error::backend(format!("image preparation stopped: {e}")))?
        .map_err(|e| Error::backend(format!("could not encode the prepared image: {e}")))?;
        let tsv = self.run_tesseract(&prepared).await?;
        Ok(tsv::lines(&tsv))
    }

    async fn run_tesseract(&self, png: &[u8]) -> Result<String> {
        let mut child = tokio::process::Command::new(&self.config.binary)
            .args(["stdin", "stdout", "-l", &self.config.languages])
            .args(["--psm", &self.config.psm.to_string(), "--dpi", "300"])
            .arg("tsv")
            .env("OMP_THREAD_LIMIT", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| self.spawn_error(e))?;
        let (Some(mut stdin), Some(mut stdout), Some(mut stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            return Err(Error::backend("Tesseract started without its pipes"));
        };
        let work = async {
            let write = async {
                let r = stdin.write_all(png).await;
                drop(stdin);
                r
            };
            let mut out = Vec::new();
            let mut err = Vec::new();
            let (w, o, e) = tokio::join!(
                write,
                stdout.read_to_end(&mut out),
                stderr.read_to_end(&mut err)
            );
            let status = child.wait().await;
            (w, o, e, status, out, err)
        };
        let Ok((write, read, _, status, out, err)) =
            tokio::time::timeout(self.config.timeout, work).await
        else {
            return Err(Error::unavailable(
                format!(
                    "Tesseract did not finish reading the photo within {} s (timed out; it was stopped)",
                    self.config.timeout.as_secs()
                ),
                None,
            ));
        };
        let stderr = String::from_utf8_lossy(&err);
        let status =
            status.map_err(|e| Error::backend(format!("Tesseract could not be awaited: {e}")))?;
        if !status.success() || write.is_err() || read.is_err() {
            if stderr.contains("Failed loading language") || stderr.contains("Error opening data") {
                return Err(Error::unavailable(
                    format!(
                        "Tesseract has no '{}' language data: install the tesseract-ocr-eng package",
                        self.config.languages
                    ),
                    None,
                ));
            }
            let tail: String = stderr.lines().rev().take(3).collect::<Vec<_>>().join("; ");
            return Err(Error::backend(format!(
                "Tesseract failed on the photo ({status}): {tail}"
            )));
        }
        String::from_utf8(out)
            .map_err(|_| Error::backend("Tesseract printed something that is not UTF-8"))
    }

    /// OCR text to candidates: the grammar in OCR mode, then the confidence marks.
    pub fn candidates_of(&self, ocr: &OcrText) -> Vec<grammar::Candidate> {
        let text = repair_ocr_words(&ocr.text);
        let mut rows = grammar::parse_menu_with(&text, true);
        let sure = |line: usize| {
            ocr.line_confidence
                .get(line)
                .is_some_and(|c| *c >= self.config.confident_word)
        };
        for row in &mut rows {
            let next_too = row
                .reasons
                .iter()
                .any(|r| r.contains("next line") || r.contains("line above"));
            let lines_ok = sure(row.line)
                && (!next_too || (sure(row.line + 1) && row.line > 0 && sure(row.line - 1)));
            row.ocr_confident = lines_ok;
        }
        rows
    }
}

static ONE_HOUR: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"\b[lI|](\s?(?:hr|hrs|hour|hours|h))\b").expect("one hour regex")
});

/// Confusions of OCR that the grammar cannot know: `lhr` and `Ihr` for `1hr`.
/// (Digits inside numbers, `1,5OO`, are the grammar's own OCR repair.)
pub fn repair_ocr_words(text: &str) -> String {
    ONE_HOUR.replace_all(text, "1$1").into_owned()
}

#[async_trait]
impl CatalogExtractor for OcrExtractor {
    fn backend_name(&self) -> &'static str {
        "ocr"
    }

    async fn extract(&self, menu: &MenuInput) -> Result<Candidates> {
        let mut rows = match menu.text.as_deref() {
            Some(text) if !text.trim().is_empty() => {
                if text.len() > crate::backends::text::MAX_TEXT_BYTES {
                    return Err(Error::field(
                        "text",
                        format!(
                            "is {} bytes; a menu may be at most {} bytes",
                            text.len(),
                            crate::backends::text::MAX_TEXT_BYTES
                        ),
                    ));
                }
                grammar::parse_menu(text)
            }
            _ => Vec::new(),
        };
        if let Some(bytes) = menu.image.as_deref() {
            let ocr = self.read_photo(bytes).await?;
            let seen: std::collections::HashSet<String> =
                rows.iter().map(|r| name_key(&r.name)).collect();
            rows.extend(
                self.candidates_of(&ocr)
                    .into_iter()
                    .filter(|r| !seen.contains(&name_key(&r.name))),
            );
        } else if rows.is_empty() && menu.text.is_none() {
            return Err(Error::field(
                "menu",
                "give the menu's text, a photo of it, or both",
            ));
        }
        Ok(Candidates {
            rows,
            relations: vec![],
        })
    }
}
