//! The Rust API's verdict on GS1 inputs, one JSON line per input line, so that
//! the Python package's tests and benchmark compare the binding with the crate
//! it wraps rather than with itself.
//!
//! Reads JSON lines `{"form": F, "input": S}` on standard input (`input` may
//! hold any code point; GS is `\u001d`), where `F` is one of `auto`, `scan`,
//! `bracketed`, `unbracketed`, `element_string`, `digital_link`, and writes
//! for each, in order:
//!
//! ```text
//! {"verdict":"valid","bracketed":…,"hri":[…],"elements":[[ai,value]…]}
//! {"verdict":"non-gs1"}
//! {"verdict":"invalid","class":…,"ai":…,"offset":…,"len":…}
//! ```
//!
//! Options: `--keep-line-endings` (as the engine-vector test runs),
//! `--no-requisites`, `--gs-substitute STR`.
//!
//! Exit status 0, or 2 on a usage or input error (the line is named).

use std::io::{self, BufRead, BufWriter, Write};
use std::process::ExitCode;

use bedside_gs1::dict::Dictionary;
use bedside_gs1::{Content, Error, ErrorKind, Message, Options, Parser, Scan};
use serde_json::{Value, json};

/// What one input gave.
enum Verdict {
    Valid(Box<Message<'static>>),
    NonGs1,
    Invalid(Value),
}

fn invalid(e: &Error) -> Verdict {
    Verdict::Invalid(json!({
        "verdict": "invalid",
        "class": e.class().as_str(),
        "ai": e.ai.map(|a| a.as_str().to_owned()),
        "offset": e.offset,
        "len": e.len,
    }))
}

/// Text for the forms that take text: invalid UTF-8 is refused as the
/// crate's own any-form parser refuses it.
fn text(bytes: &[u8]) -> Result<&str, Verdict> {
    std::str::from_utf8(bytes).map_err(|e| {
        let kind = ErrorKind::UnrecognisedInput;
        Verdict::Invalid(json!({
            "verdict": "invalid",
            "class": kind.class().as_str(),
            "ai": null,
            "offset": e.valid_up_to(),
            "len": 1,
        }))
    })
}

fn of_scan(scan: Result<Scan<'_>, Error>) -> Verdict {
    match scan {
        Err(e) => invalid(&e),
        Ok(s) => match s.content {
            Content::Plain(_)
            | Content::Primary {
                composite: None, ..
            } => Verdict::NonGs1,
            other => match (Scan {
                symbology: s.symbology,
                content: other,
            })
            .into_owned()
            .into_message()
            {
                Some(m) => Verdict::Valid(Box::new(m)),
                None => Verdict::NonGs1,
            },
        },
    }
}

fn of_message(m: Result<Message<'_>, Error>) -> Verdict {
    match m {
        Ok(m) => Verdict::Valid(Box::new(m.into_owned())),
        Err(e) => invalid(&e),
    }
}

fn verdict(p: &Parser<'_>, form: &str, input: &[u8]) -> Option<Verdict> {
    let v = match form {
        "auto" => of_scan(p.parse(input)),
        "scan" => of_scan(p.scan(input)),
        "element_string" => of_message(p.element_string(input)),
        "bracketed" => match text(input) {
            Ok(t) => of_message(p.bracketed(t)),
            Err(v) => v,
        },
        "unbracketed" => match text(input) {
            Ok(t) => of_message(p.unbracketed(t)),
            Err(v) => v,
        },
        "digital_link" => match text(input) {
            Ok(t) => of_message(p.digital_link(t)),
            Err(v) => v,
        },
        _ => return None,
    };
    Some(v)
}

fn render(v: Verdict) -> Value {
    match v {
        Verdict::Valid(m) => json!({
            "verdict": "valid",
            "bracketed": m.to_bracketed(),
            "hri": m.hri(Some(Dictionary::embedded())),
            "elements": m.iter().map(|e| [e.ai().as_str().to_owned(), e.value().to_owned()]).collect::<Vec<_>>(),
        }),
        Verdict::NonGs1 => json!({"verdict": "non-gs1"}),
        Verdict::Invalid(v) => v,
    }
}

/// The input's bytes: each code point below 256 that the caller marked with
/// `"latin1": true` is one byte (so invalid UTF-8 can be expressed), otherwise
/// the UTF-8 of the text.
fn input_bytes(v: &Value) -> Option<Vec<u8>> {
    let s = v.get("input")?.as_str()?;
    if v.get("latin1").and_then(Value::as_bool) == Some(true) {
        s.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect()
    } else {
        Some(s.as_bytes().to_vec())
    }
}

fn main() -> ExitCode {
    let mut opts = Options::default();
    let mut substitute: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--keep-line-endings" => opts.strip_line_endings = false,
            "--no-requisites" => opts.validate_requisites = false,
            "--gs-substitute" => match args.next() {
                Some(s) => substitute = Some(s),
                None => {
                    eprintln!("gs1-reference: --gs-substitute needs a value");
                    return ExitCode::from(2);
                }
            },
            other => {
                eprintln!("gs1-reference: unknown argument {other:?}");
                return ExitCode::from(2);
            }
        }
    }
    opts.gs_substitute = substitute.as_deref();
    let parser = Parser::new(Dictionary::embedded(), opts);

    let stdin = io::stdin();
    let mut out = BufWriter::new(io::stdout().lock());
    for (n, line) in stdin.lock().lines().enumerate() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                eprintln!("gs1-reference: reading line {}: {e}", n + 1);
                return ExitCode::from(2);
            }
        };
        let parsed: Value = match serde_json::from_str(&line) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("gs1-reference: line {}: {e}", n + 1);
                return ExitCode::from(2);
            }
        };
        let form = parsed.get("form").and_then(Value::as_str).unwrap_or("auto");
        let Some(input) = input_bytes(&parsed) else {
            eprintln!(
                "gs1-reference: line {}: no \"input\" string (or a latin1 code point above 255)",
                n + 1
            );
            return ExitCode::from(2);
        };
        let Some(v) = verdict(&parser, form, &input) else {
            eprintln!("gs1-reference: line {}: unknown form {form:?}", n + 1);
            return ExitCode::from(2);
        };
        if writeln!(out, "{}", render(v)).is_err() {
            return ExitCode::from(2);
        }
    }
    if out.flush().is_err() {
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}
