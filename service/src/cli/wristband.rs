//! `bedside wristband …`: patient wristbands as ZPL, PDF or PNG, and printed.
//!
//! Scripted contract (issue 6), kept exactly:
//! `bedside wristband zpl|pdf|png --nhs 9990001235 --family SMITH --given John --dob 1980-01-18
//! [--sex M] [--mrn K1234567] [--size adult|child|neonate] [--dpi 203|300] [--out FILE]`
//! (ZPL to stdout when no `--out`), and `bedside wristband print … --printer
//! tcp://host:9100|usb[:VID:PID]|serial:/dev/…`.
//!
//! Exit status: 0 written (or printed), 1 the printer did not confirm the job, 2 invalid
//! input, usage or I/O error — nothing is written for invalid input.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use bedside_patient::{
    BirthSequence, BirthTime, Date, DateOfBirth, GsrnPrefix, NhsNumber, Sex, TestData,
};
use bedside_printer::layout::{Band, BandRequest, BandSize, Layout, Resolution};
use bedside_printer::{pdf, png, zpl};
use clap::{Args, Subcommand};

/// Wristband subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum WristbandCommand {
    /// ZPL II for a Zebra-class printer (to stdout without --out).
    Zpl(BandArgs),
    /// PDF at the band's exact size (vector barcodes), for laser wristband sheets.
    Pdf(BandArgs),
    /// PNG preview, one pixel per printer dot.
    Png(BandArgs),
    /// Print on a wristband printer and confirm it with the printer's status.
    Print(PrintArgs),
}

/// What goes on the band and how it is laid out.
#[derive(Debug, Clone, Args)]
pub(crate) struct BandArgs {
    /// NHS number (10 digits, spaces allowed); 999-range test numbers print "TEST PATIENT".
    #[arg(long, value_name = "NUMBER")]
    nhs: String,
    /// Family name (printed in capitals).
    #[arg(long, required_unless_present_any = ["unknown", "baby_of"])]
    family: Option<String>,
    /// Given name(s).
    #[arg(long, required_unless_present_any = ["unknown", "baby_of"])]
    given: Option<String>,
    /// Date of birth, YYYY-MM-DD.
    #[arg(long, value_name = "YYYY-MM-DD", required_unless_present = "unknown")]
    dob: Option<String>,
    /// Time of birth HH:MM (neonates; encoded with the date in AI 7251).
    #[arg(long, value_name = "HH:MM", requires = "dob")]
    time_of_birth: Option<String>,
    /// Sex: M, F, U (not known), X (not applicable) or the ISO 5218 digit.
    #[arg(long)]
    sex: Option<String>,
    /// Trust hospital number (AI 91).
    #[arg(long, value_name = "HOSPITAL_NUMBER")]
    mrn: Option<String>,
    /// Band size.
    #[arg(long, default_value = "adult", value_parser = ["adult", "child", "neonate"])]
    size: String,
    /// Printer resolution (the PDF and PNG use the same layout).
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u32).range(203..=300))]
    dpi: u32,
    /// An unknown patient: family "UNKNOWN", given name from --sex.
    #[arg(long, conflicts_with_all = ["family", "given", "baby_of"])]
    unknown: bool,
    /// A newborn not yet named: the mother's family name ("BABY OF …", AI 7259).
    #[arg(long, value_name = "MOTHER_FAMILY_NAME", conflicts_with_all = ["family", "given"])]
    baby_of: Option<String>,
    /// The mother's name, printed on neonate bands.
    #[arg(long, value_name = "NAME")]
    mother: Option<String>,
    /// Multiple births: position/total, e.g. 1/2 (needs --baby-of).
    #[arg(long, value_name = "N/M", requires = "baby_of")]
    birth_sequence: Option<String>,
    /// Alert band (red media): the band says ALERT.
    #[arg(long)]
    alert: bool,
    /// Also print a GS1-128 of (8018)(8019) along the band.
    #[arg(long = "gs1-128")]
    gs1_128: bool,
    /// The trust's 7-digit GSRN company prefix.
    #[arg(long, default_value = "9520000", value_name = "DIGITS")]
    gsrn_prefix: String,
    /// Copies.
    #[arg(long, default_value_t = 1)]
    copies: u32,
    /// PNG only: turn the band so the text reads left to right.
    #[arg(long)]
    landscape: bool,
    /// Where to write (stdout when absent).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// `bedside wristband print`
#[derive(Debug, Args)]
pub(crate) struct PrintArgs {
    #[command(flatten)]
    band: BandArgs,
    /// The printer: tcp://host:9100, usb, usb:VID:PID or serial:/dev/ttyUSB0[,baud=9600].
    #[arg(long, value_name = "ADDRESS")]
    printer: String,
    /// Seconds to wait for each printer reply.
    #[arg(long, default_value_t = 5)]
    timeout: u64,
    /// Print one JSON object instead of a sentence.
    #[arg(long)]
    json: bool,
}

impl BandArgs {
    /// Copies requested.
    pub(crate) fn copies(&self) -> u32 {
        self.copies
    }
}

/// A field and what is wrong with it.
#[derive(Debug)]
pub(crate) struct InputError {
    field: &'static str,
    message: String,
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "--{}: {}", self.field, self.message)
    }
}

fn bad(field: &'static str, e: impl std::fmt::Display) -> InputError {
    InputError {
        field,
        message: e.to_string(),
    }
}

fn parse_sex(s: &str) -> Result<Sex, InputError> {
    match s.to_ascii_uppercase().as_str() {
        "M" | "MALE" | "1" => Ok(Sex::Male),
        "F" | "FEMALE" | "2" => Ok(Sex::Female),
        "U" | "UNKNOWN" | "0" => Ok(Sex::NotKnown),
        "X" | "9" => Ok(Sex::NotApplicable),
        _ => Err(bad("sex", format!("{s:?}: expected M, F, U or X"))),
    }
}

/// Builds and lays out the band from the arguments.
pub(crate) fn layout(a: &BandArgs) -> Result<Layout, InputError> {
    let nhs = NhsNumber::parse(&a.nhs, TestData::Allow).map_err(|e| bad("nhs", e))?;
    let sex = a.sex.as_deref().map(parse_sex).transpose()?;
    let mut r = if a.unknown {
        BandRequest::unknown(nhs, sex.unwrap_or(Sex::NotKnown))
    } else {
        let mut r = BandRequest::new(
            nhs,
            a.family.as_deref().unwrap_or(""),
            a.given.as_deref().unwrap_or(""),
        );
        r.sex = sex;
        r
    };
    if let Some(d) = &a.dob {
        let date = Date::parse_iso8601(d).map_err(|e| bad("dob", e))?;
        let time = match &a.time_of_birth {
            Some(t) => {
                let (h, m) = t
                    .split_once(':')
                    .ok_or_else(|| bad("time-of-birth", "expected HH:MM"))?;
                let hour = h
                    .parse::<u8>()
                    .map_err(|_| bad("time-of-birth", "expected HH:MM"))?;
                let minute = m
                    .parse::<u8>()
                    .map_err(|_| bad("time-of-birth", "expected HH:MM"))?;
                Some(BirthTime::new(hour, minute).map_err(|e| bad("time-of-birth", e))?)
            }
            None => None,
        };
        r.date_of_birth = Some(DateOfBirth { date, time });
    }
    r.hospital_number = a.mrn.clone();
    r.baby_of = a.baby_of.clone();
    r.mother_name = a.mother.clone();
    r.birth_sequence = a
        .birth_sequence
        .as_deref()
        .map(BirthSequence::parse)
        .transpose()
        .map_err(|e| bad("birth-sequence", e))?;
    r.alert = a.alert;
    r.linear = a.gs1_128;
    r.gsrn_prefix = GsrnPrefix::new(&a.gsrn_prefix).map_err(|e| bad("gsrn-prefix", e))?;
    let band = Band::new(&r).map_err(|e| bad("band", e))?;
    let size: BandSize = a.size.parse().map_err(|e| bad("size", e))?;
    let res = Resolution::from_dpi(a.dpi).ok_or_else(|| bad("dpi", "203 or 300"))?;
    Layout::new(&band, size, res).map_err(|e| bad("size", e))
}

fn write_out(out: Option<&PathBuf>, bytes: &[u8]) -> Result<(), String> {
    match out {
        Some(p) => std::fs::write(p, bytes).map_err(|e| format!("{}: {e}", p.display())),
        None => {
            let mut so = std::io::stdout().lock();
            so.write_all(bytes)
                .and_then(|()| so.flush())
                .map_err(|e| format!("stdout: {e}"))
        }
    }
}

fn render(kind: &str, a: &BandArgs) -> ExitCode {
    let layout = match layout(a) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("bedside wristband {kind}: {e}");
            return ExitCode::from(2);
        }
    };
    let bytes = match kind {
        "zpl" => zpl::render(
            &layout,
            &zpl::ZplOptions {
                copies: a.copies,
                job_id: None,
            },
        )
        .map_err(|e| bad("copies", e)),
        "pdf" => pdf::render(
            &layout,
            &pdf::PdfOptions {
                copies: a.copies,
                ..pdf::PdfOptions::default()
            },
        )
        .map_err(|e| bad("copies", e)),
        _ => png::render(
            &layout,
            &png::PngOptions {
                landscape: a.landscape,
            },
        )
        .map_err(|e| bad("out", e)),
    };
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => {
            eprintln!("bedside wristband {kind}: {e}");
            return ExitCode::from(2);
        }
    };
    match write_out(a.out.as_ref(), &bytes) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bedside wristband {kind}: {e}");
            ExitCode::from(2)
        }
    }
}

/// Runs a `bedside wristband` subcommand.
pub(crate) fn run(cmd: WristbandCommand) -> ExitCode {
    match cmd {
        WristbandCommand::Zpl(a) => render("zpl", &a),
        WristbandCommand::Pdf(a) => render("pdf", &a),
        WristbandCommand::Png(a) => render("png", &a),
        WristbandCommand::Print(a) => {
            super::printer::print_band(&a.band, &a.printer, a.timeout, a.json)
        }
    }
}
