//! The C ABI from C: builds `tests/c/test_bedside.c` and the example
//! `examples/c/check_scans.c` with the system compiler (`cc`) against the
//! static library this test run built, runs them under valgrind (memcheck,
//! full leak check, every error fatal), and compares what C sees with the Rust
//! API on the GS1 crate's engine vectors and on the demo scans.
//!
//! A missing `cc` or `valgrind` is a failure, not a skip: both are installed by
//! `.ci/apt.txt`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use bedside_gs1::dict::Dictionary;
use bedside_gs1::{Content, Error, Message, Options, Parser, Scan};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn repo_root() -> PathBuf {
    crate_dir().join("../..")
}

/// The static library built for this test run. `cargo test` builds the
/// library's every crate type before the integration tests and leaves
/// `libbedside_ffi.a` in `deps/`, next to this test's executable (it is copied
/// up to the profile directory only by `cargo build`, so a copy there may be
/// stale).
fn static_lib() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let lib = exe.parent().unwrap().join("libbedside_ffi.a");
    assert!(
        lib.is_file(),
        "{} not found: cargo test should have built the library's staticlib output",
        lib.display()
    );
    lib
}

/// Compiles one C program against the header and the static library.
fn build_c(source: &Path, name: &str) -> PathBuf {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("bedside-ffi-{name}"));
    let status = Command::new("cc")
        .args([
            "-std=c11",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-pedantic",
            "-g",
            "-O1",
        ])
        .arg("-I")
        .arg(crate_dir().join("include"))
        .arg(source)
        .arg(static_lib())
        // What `rustc --print native-static-libs` lists for this target.
        .args([
            "-lgcc_s",
            "-lutil",
            "-lrt",
            "-lpthread",
            "-lm",
            "-ldl",
            "-lc",
        ])
        .arg("-o")
        .arg(&out)
        .status()
        .unwrap_or_else(|e| panic!("cannot run the system C compiler `cc`: {e}"));
    assert!(status.success(), "cc failed to build {}", source.display());
    out
}

/// Runs a program under valgrind memcheck: any invalid access, use of
/// uninitialised memory or leak (definite, indirect or possible) fails it.
fn valgrind(program: &Path, args: &[&str]) -> Output {
    let out = Command::new("valgrind")
        .args([
            "--error-exitcode=99",
            "--leak-check=full",
            "--show-leak-kinds=definite,indirect,possible",
            "--errors-for-leak-kinds=definite,indirect,possible",
            "--track-origins=yes",
        ])
        .arg(format!(
            "--suppressions={}",
            crate_dir().join("tests/c/valgrind.supp").display()
        ))
        .arg(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run valgrind (install it, see .ci/apt.txt): {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.code() != Some(99) && stderr.contains("ERROR SUMMARY: 0 errors"),
        "valgrind found errors in {}:\n{stderr}",
        program.display()
    );
    assert!(
        stderr.contains("definitely lost: 0 bytes")
            || stderr.contains("All heap blocks were freed"),
        "valgrind found leaks in {}:\n{stderr}",
        program.display()
    );
    out
}

#[test]
fn c_test_program_passes_under_valgrind() {
    let program = build_c(&crate_dir().join("tests/c/test_bedside.c"), "test_bedside");
    // The reader's time budget is raised for valgrind, which runs the
    // unoptimised decoder about fifty times slower.
    let out = valgrind(&program, &["checks", "300000"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "test_bedside checks failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let passed: usize = stdout
        .trim()
        .strip_prefix("checks: ")
        .and_then(|s| s.strip_suffix(" passed"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected output: {stdout}"));
    assert!(passed > 500, "only {passed} checks ran");
}

/// The line the C program prints for one parse, computed with the Rust API.
fn rust_line(result: Result<Scan<'_>, Error>) -> String {
    match result {
        Err(e) => format!(
            "invalid\t{}\t{}\t{}\t{}\t0\t-",
            e.class().as_str(),
            e.ai.map(|a| a.to_string()).unwrap_or_default(),
            e.offset,
            e.len
        ),
        Ok(scan) => {
            let message: Option<&Message<'_>> = match &scan.content {
                Content::Plain(_)
                | Content::Primary {
                    composite: None, ..
                } => None,
                _ => scan.message(),
            };
            match message {
                Some(m) => format!("valid\t\t\t-\t-\t{}\t{}", m.len(), m.to_bracketed()),
                None => "non-gs1\t\t\t-\t-\t0\t-".to_string(),
            }
        }
    }
}

fn gs1(m: Result<Message<'_>, Error>) -> Result<Scan<'_>, Error> {
    m.map(|m| Scan {
        symbology: None,
        content: Content::Gs1(m),
    })
}

#[test]
fn c_verdicts_classes_and_offsets_equal_the_rust_api_on_the_engine_vectors() {
    let vectors =
        std::fs::read_to_string(repo_root().join("crates/gs1/tests/vectors/engine-verdicts.jsonl"))
            .unwrap();
    // As the GS1 crate's engine-vector test: CR/LF are data.
    let p = Parser::new(
        Dictionary::embedded(),
        Options {
            strip_line_endings: false,
            ..Options::default()
        },
    );
    let mut cases = String::new();
    let mut expected = Vec::new();
    for line in vectors.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let mode = v["mode"].as_str().unwrap().to_string();
        let input = v["input"].as_str().unwrap().to_string();
        let input = input.as_str();
        let typed = match mode.as_str() {
            "scan" => p.scan(input.as_bytes()),
            "bracketed" => gs1(p.bracketed(input)),
            "unbracketed" => gs1(p.unbracketed(input)),
            "dl" => p.digital_link(input).map(|m| Scan {
                symbology: None,
                content: Content::DigitalLink(m),
            }),
            other => panic!("unknown mode {other}"),
        };
        let typed = rust_line(typed);
        let auto = rust_line(p.parse(input.as_bytes()));
        let hex: String = input.bytes().map(|b| format!("{b:02x}")).collect();
        cases.push_str(&format!("{mode}\t{hex}\n"));
        expected.push((mode.clone(), input.to_string(), "typed", typed));
        expected.push((mode, input.to_string(), "auto", auto));
    }
    assert!(expected.len() > 6000, "vector file too small");

    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let cases_path = dir.join("bedside-ffi-vectors.tsv");
    let out_path = dir.join("bedside-ffi-vectors.out");
    std::fs::write(&cases_path, cases).unwrap();
    let program = build_c(
        &crate_dir().join("tests/c/test_bedside.c"),
        "test_bedside_vectors",
    );
    let out = valgrind(
        &program,
        &[
            "vectors",
            cases_path.to_str().unwrap(),
            out_path.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "test_bedside vectors failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = std::fs::read_to_string(&out_path).unwrap();
    let got: Vec<&str> = got.lines().collect();
    assert_eq!(got.len(), expected.len(), "one output line per parse");
    let mismatches: Vec<String> = expected
        .iter()
        .zip(&got)
        .filter(|((_, _, _, want), got)| want != *got)
        .map(|((mode, input, how, want), got)| {
            format!("{mode} ({how}) {input:?}:\n  rust {want:?}\n  c    {got:?}")
        })
        .collect();
    assert!(
        mismatches.is_empty(),
        "{} of {} parses differ between C and Rust:\n{}",
        mismatches.len(),
        expected.len(),
        mismatches.join("\n")
    );
    // The vectors exercise every verdict and many classes.
    for needle in [
        "valid\t",
        "invalid\tBAD_CHECK_DIGIT",
        "invalid\tDL_SYNTAX",
        "non-gs1\t",
    ] {
        assert!(
            got.iter().any(|l| l.starts_with(needle)),
            "no {needle:?} line"
        );
    }
}

#[test]
fn c_example_checks_the_demo_scans_under_valgrind() {
    let program = build_c(&repo_root().join("examples/c/check_scans.c"), "check_scans");
    let scans = repo_root().join("examples/data/demo-scans.txt");
    let out = valgrind(&program, &[scans.to_str().unwrap()]);
    // The demo scans include invalid ones on purpose: exit status 1.
    assert_eq!(out.status.code(), Some(1), "{:?}", out);
    let stdout = String::from_utf8(out.stdout).unwrap();

    // Every line's verdict and class agree with the Rust API.
    let text = std::fs::read_to_string(&scans).unwrap();
    let p = Parser::default();
    for (i, line) in text.lines().enumerate() {
        let tag = format!("line {}: ", i + 1);
        let printed = stdout
            .lines()
            .find(|l| l.starts_with(&tag))
            .unwrap_or_else(|| panic!("no output for {tag}\n{stdout}"));
        let want = match p.parse(line.as_bytes()) {
            Err(e) => format!("{tag}invalid {} at byte {}", e.class().as_str(), e.offset),
            Ok(scan) => match scan.message() {
                Some(m) if !matches!(scan.content, Content::Plain(_)) => {
                    format!("{tag}valid {} elements {}", m.len(), m.to_bracketed())
                }
                _ => format!("{tag}not GS1"),
            },
        };
        assert!(printed.starts_with(&want), "{printed:?} != {want:?}");
    }
    assert!(
        stdout.contains(
            "wristband: accepted: NHS number 999 000 1235, SMITH, John, born 18-Jan-1980"
        )
    );
    assert!(
        stdout.contains(
            "wristband: accepted: NHS number 999 000 0018, O'BRIEN, Zoë, born 29-Feb-2024"
        )
    );
}
