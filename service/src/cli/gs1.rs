//! `bedside gs1 …`: check, explain and convert GS1 data from the command line.
//!
//! `check` is a scripted contract: one JSON object per input line, fields and
//! class names fixed (see the `bedside-gs1` crate's `ErrorClass`).

use std::io::{self, BufRead, Write};
use std::process::ExitCode;

use bedside_gs1::dict::Dictionary;
use bedside_gs1::{Content, Error, Message, Options, Parser, Scan, printable};
use clap::{Args, Subcommand};
use serde_json::{Value, json};

/// GS1 subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Gs1Command {
    /// Validate one input per line from stdin (scan data with real GS bytes,
    /// bracketed, `^` form or Digital Link URIs) and print one JSON verdict per line.
    Check(CheckArgs),
    /// Explain inputs for a person: each AI with its title, and every output form.
    Parse(ParseArgs),
    /// Convert AI data to a GS1 Digital Link URI, or a URI to bracketed AI data.
    Dl(DlArgs),
}

/// Options shared by the GS1 subcommands.
#[derive(Debug, Args)]
pub(crate) struct CommonArgs {
    /// A string the scanner sends instead of GS (0x1D), e.g. `<GS>` or `~`.
    #[arg(long, value_name = "STRING")]
    gs_substitute: Option<String>,
    /// Do not check `req=` rules (validating part of a label).
    #[arg(long)]
    no_requisites: bool,
    /// Load this GS1 Barcode Syntax Dictionary text instead of the embedded one.
    #[arg(long, value_name = "FILE")]
    dictionary: Option<std::path::PathBuf>,
}

/// `bedside gs1 check`
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    common: CommonArgs,
}

/// `bedside gs1 parse`
#[derive(Debug, Args)]
pub(crate) struct ParseArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Inputs; read from stdin, one per line, when none are given.
    inputs: Vec<String>,
}

/// `bedside gs1 dl`
#[derive(Debug, Args)]
pub(crate) struct DlArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// URI stem for generated URIs (default https://id.gs1.org).
    #[arg(long, value_name = "URL")]
    stem: Option<String>,
    /// Inputs; read from stdin, one per line, when none are given.
    inputs: Vec<String>,
}

/// Runs a `bedside gs1` subcommand. Exit status: 0 when every input was valid
/// (or plain non-GS1 data), 1 when any was invalid, 2 on a usage or I/O error.
pub(crate) fn run(cmd: Gs1Command) -> ExitCode {
    let result = match cmd {
        Gs1Command::Check(a) => with_parser(&a.common, |p| check(p, io::stdin().lock())),
        Gs1Command::Parse(a) => with_parser(&a.common, |p| explain(p, &a.inputs)),
        Gs1Command::Dl(a) => with_parser(&a.common, |p| dl(p, &a.inputs, a.stem.as_deref())),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("bedside gs1: {e}");
            ExitCode::from(2)
        }
    }
}

/// Why a GS1 subcommand could not run at all.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    #[error("reading or writing failed: {0}")]
    Io(#[from] io::Error),
    #[error("cannot read the dictionary file: {0}")]
    DictionaryFile(io::Error),
    #[error("{0}")]
    Dictionary(#[from] bedside_gs1::dict::DictionaryError),
}

fn with_parser(
    common: &CommonArgs,
    f: impl FnOnce(&Parser<'_>) -> Result<bool, CliError>,
) -> Result<bool, CliError> {
    let loaded;
    let dict = match &common.dictionary {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(CliError::DictionaryFile)?;
            loaded = Dictionary::parse(&text)?;
            &loaded
        }
        None => Dictionary::embedded(),
    };
    let opts = Options {
        validate_requisites: !common.no_requisites,
        gs_substitute: common.gs_substitute.as_deref(),
        ..Options::default()
    };
    f(&Parser::new(dict, opts))
}

/// The JSON verdict for one input line (the `bedside gs1 check` contract).
pub(crate) fn verdict(parser: &Parser<'_>, line: &[u8]) -> Value {
    match parser.parse(line) {
        Ok(scan) => scan_json(&scan),
        Err(e) => error_json(&e),
    }
}

fn scan_json(scan: &Scan<'_>) -> Value {
    match (&scan.content, scan.message()) {
        (Content::Plain(_), _) => json!({"verdict": "non-gs1"}),
        // EAN/UPC primary data alone carries no AIs (as the engine reports it).
        (
            Content::Primary {
                digits,
                composite: None,
            },
            _,
        ) => {
            json!({"verdict": "non-gs1", "primary": digits})
        }
        (Content::Primary { digits, .. }, m) => {
            let mut v = message_json(m);
            v["primary"] = json!(digits);
            v
        }
        (_, m) => message_json(m),
    }
}

fn message_json(m: Option<&Message<'_>>) -> Value {
    let (hri, elements) = match m {
        Some(m) => (
            m.to_bracketed(),
            m.iter()
                .map(|e| json!([e.ai().as_str(), e.value()]))
                .collect::<Vec<_>>(),
        ),
        None => (String::new(), Vec::new()),
    };
    json!({"verdict": "valid", "hri": hri, "elements": elements})
}

fn error_json(e: &Error) -> Value {
    json!({
        "verdict": "invalid",
        "class": e.class().as_str(),
        "ai": e.ai.map(|a| a.to_string()),
        "offset": e.offset,
        "message": e.kind.to_string(),
    })
}

fn lines(input: impl BufRead) -> impl Iterator<Item = io::Result<Vec<u8>>> {
    input.split(b'\n').map(|r| {
        r.map(|mut l| {
            if l.last() == Some(&b'\r') {
                l.pop();
            }
            l
        })
    })
}

fn check(parser: &Parser<'_>, input: impl BufRead) -> Result<bool, CliError> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut all_ok = true;
    for line in lines(input) {
        let v = verdict(parser, &line?);
        all_ok &= v["verdict"] != "invalid";
        serde_json::to_writer(&mut out, &v).map_err(io::Error::from)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(all_ok)
}

fn inputs_or_stdin(inputs: &[String]) -> Result<Vec<Vec<u8>>, CliError> {
    if inputs.is_empty() {
        Ok(lines(io::stdin().lock()).collect::<Result<_, _>>()?)
    } else {
        Ok(inputs.iter().map(|s| s.as_bytes().to_vec()).collect())
    }
}

fn explain(parser: &Parser<'_>, inputs: &[String]) -> Result<bool, CliError> {
    let mut out = io::stdout().lock();
    let mut all_ok = true;
    for input in inputs_or_stdin(inputs)? {
        writeln!(out, "input:     {}", printable(&input))?;
        match parser.parse(&input) {
            Ok(scan) => {
                if let Some(sym) = scan.symbology {
                    writeln!(out, "symbology: {sym:?}")?;
                }
                match (&scan.content, scan.message()) {
                    (Content::Plain(p), _) => {
                        writeln!(out, "NOT GS1: plain data {:?}", printable(p))?;
                    }
                    (_, Some(m)) => {
                        for line in m.hri(Some(parser.dictionary())) {
                            writeln!(out, "  {line}")?;
                        }
                        writeln!(out, "bracketed: {}", m.to_bracketed())?;
                        writeln!(out, "element:   {}", printable(&m.to_element_string()))?;
                        match m.to_digital_link(parser.dictionary(), None) {
                            Ok(uri) => writeln!(out, "dl:        {uri}")?,
                            Err(e) => writeln!(out, "dl:        (none: {e})")?,
                        }
                        for p in m.ignored_dl_params() {
                            writeln!(out, "ignored:   {p}")?;
                        }
                    }
                    (Content::Primary { digits, .. }, None) => {
                        writeln!(out, "primary:   {digits}")?;
                    }
                    _ => {}
                }
            }
            Err(e) => {
                all_ok = false;
                writeln!(out, "INVALID [{}]: {e}", e.class())?;
                writeln!(out, "here:      {}", e.mark_input(&input))?;
                if let Some(m) = e.markup() {
                    writeln!(out, "value:     {m}")?;
                }
            }
        }
        writeln!(out)?;
    }
    Ok(all_ok)
}

fn dl(parser: &Parser<'_>, inputs: &[String], stem: Option<&str>) -> Result<bool, CliError> {
    let mut out = io::stdout().lock();
    let mut all_ok = true;
    for input in inputs_or_stdin(inputs)? {
        let result = parser.parse(&input).and_then(|scan| {
            let is_uri = matches!(scan.content, Content::DigitalLink(_));
            match scan.message() {
                Some(m) if is_uri => Ok(m.to_bracketed()),
                Some(m) => m.to_digital_link(parser.dictionary(), stem),
                None => Ok(String::new()),
            }
        });
        match result {
            Ok(s) if !s.is_empty() => writeln!(out, "{s}")?,
            Ok(_) => {
                all_ok = false;
                eprintln!("not GS1 data: {}", printable(&input));
                writeln!(out)?;
            }
            Err(e) => {
                all_ok = false;
                eprintln!("invalid [{}]: {e}: {}", e.class(), e.mark_input(&input));
                writeln!(out)?;
            }
        }
    }
    Ok(all_ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_follow_the_contract() {
        let p = Parser::default();
        let v = verdict(&p, b"]d20109506000134352\x1d17261231");
        assert_eq!(v["verdict"], "valid");
        assert_eq!(v["hri"], "(01)09506000134352(17)261231");
        assert_eq!(v["elements"][1][0], "17");
        let v = verdict(&p, b"(01)09506000134353");
        assert_eq!(v["class"], "BAD_CHECK_DIGIT");
        assert_eq!(v["ai"], "01");
        assert_eq!(v["offset"], 17);
        assert_eq!(verdict(&p, b"]d19434765919")["verdict"], "non-gs1");
        assert_eq!(verdict(&p, b"]X0abc")["class"], "SCAN_AIM");
    }
}
