//! `bedside barcode …`: make GS1 DataMatrix / GS1-128 symbols and read them
//! back from images.
//!
//! Scripted contract (issue 4), kept exactly:
//! - `bedside barcode encode --symbology datamatrix|gs1-128 --format png|svg --out FILE DATA`
//!   with DATA in bracketed `(01)…` or `^01…` form;
//! - `bedside barcode decode FILE...` prints one JSON object per file,
//!   `{"file":"…","symbols":[{"aim":"]d2","gs1":true,"data":"…\u001d…","hri":"(01)…"}]}`,
//!   an empty list when nothing is found. `hri` is the bracketed form of a
//!   validated GS1 message and `null` for anything else.
//!
//! Exit status: 0 success, 1 invalid data / unreadable image, 2 usage or I/O error.

use std::path::PathBuf;
use std::process::ExitCode;

use bedside_barcode::reader::{Reader, ReaderOptions};
use bedside_barcode::{RenderOptions, datamatrix, gs1_128};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::{Value, json};

/// Barcode subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum BarcodeCommand {
    /// Encode GS1 data (bracketed or `^` form) as a GS1 DataMatrix or GS1-128 image.
    Encode(EncodeArgs),
    /// Read every symbol in PNG/JPEG images; one JSON object per file.
    Decode(DecodeArgs),
}

/// Symbologies the encoder writes.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum SymbologyArg {
    /// GS1 DataMatrix (ECC 200, FNC1 first).
    Datamatrix,
    /// GS1-128 (Code 128, FNC1 first).
    #[value(name = "gs1-128")]
    Gs1_128,
}

/// Output formats.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum FormatArg {
    /// Greyscale PNG.
    Png,
    /// SVG document.
    Svg,
}

/// `bedside barcode encode`
#[derive(Debug, Args)]
pub(crate) struct EncodeArgs {
    /// The symbology.
    #[arg(long, value_enum)]
    symbology: SymbologyArg,
    /// The output format.
    #[arg(long, value_enum)]
    format: FormatArg,
    /// Where to write the image.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Pixels (PNG) or user units (SVG) per module.
    #[arg(long, default_value_t = 4)]
    module_px: u32,
    /// GS1 data: bracketed `(01)…(10)…` or unbracketed `^01…^10…`.
    data: String,
}

/// `bedside barcode decode`
#[derive(Debug, Args)]
pub(crate) struct DecodeArgs {
    /// Image files (PNG or JPEG).
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

/// Runs a `bedside barcode` subcommand.
pub(crate) fn run(cmd: BarcodeCommand) -> ExitCode {
    match cmd {
        BarcodeCommand::Encode(a) => encode(&a),
        BarcodeCommand::Decode(a) => decode(&a),
    }
}

fn encode(a: &EncodeArgs) -> ExitCode {
    let parsed = if a.data.starts_with('^') {
        bedside_gs1::parse_unbracketed(&a.data)
    } else {
        bedside_gs1::parse_bracketed(&a.data)
    };
    let message = match parsed {
        Ok(m) => m,
        Err(e) => {
            eprintln!("bedside barcode: invalid GS1 data: {e}");
            return ExitCode::from(1);
        }
    };
    let matrix = match a.symbology {
        SymbologyArg::Datamatrix => {
            datamatrix::encode(&message, &Default::default()).map(|s| s.into_matrix())
        }
        SymbologyArg::Gs1_128 => {
            gs1_128::encode(&message, &Default::default()).map(|s| s.into_matrix())
        }
    };
    let matrix = match matrix {
        Ok(m) => m,
        Err(e) => {
            eprintln!("bedside barcode: cannot encode: {e}");
            return ExitCode::from(1);
        }
    };
    let opts = RenderOptions {
        module_px: a.module_px,
        quiet_zone: None,
    };
    let bytes = match a.format {
        FormatArg::Png => matrix.to_png(&opts),
        FormatArg::Svg => matrix.to_svg(&opts).map(String::into_bytes),
    };
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => {
            eprintln!("bedside barcode: cannot render: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = std::fs::write(&a.out, bytes) {
        eprintln!("bedside barcode: cannot write {}: {e}", a.out.display());
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}

fn decode(a: &DecodeArgs) -> ExitCode {
    let reader = Reader::new(ReaderOptions {
        exhaustive: true,
        budget: std::time::Duration::from_secs(10),
        ..ReaderOptions::default()
    });
    let mut status = ExitCode::SUCCESS;
    for file in &a.files {
        let name = file.display().to_string();
        let symbols: Vec<Value> = match std::fs::read(file) {
            Err(e) => {
                eprintln!("bedside barcode: cannot read {name}: {e}");
                status = ExitCode::from(1);
                Vec::new()
            }
            Ok(bytes) => match reader.read_bytes(&bytes) {
                Err(e) => {
                    eprintln!("bedside barcode: {name}: {e}");
                    status = ExitCode::from(1);
                    Vec::new()
                }
                Ok(found) => found
                    .symbols
                    .iter()
                    .map(|s| {
                        let gs1 = s.gs1().ok();
                        json!({
                            "aim": s.aim(),
                            "gs1": gs1.is_some(),
                            "data": String::from_utf8_lossy(s.data()),
                            "hri": gs1.map(|g| g.message().to_bracketed()),
                        })
                    })
                    .collect(),
            },
        };
        println!("{}", json!({"file": name, "symbols": symbols}));
    }
    status
}
