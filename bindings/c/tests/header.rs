//! `include/bedside.h` is generated from the code by cbindgen and committed.
//! This test regenerates it and fails when the committed file differs, so the
//! header never drifts from the ABI. `BEDSIDE_BLESS_HEADER=1` rewrites it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

#[test]
fn committed_header_matches_the_code() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).unwrap();
    // The crate root, parsed directly (cbindgen follows its `mod` items): no
    // `cargo metadata`, no network.
    let builder = cbindgen::Builder::new()
        .with_config(config)
        .with_src(dir.join("src/lib.rs"));
    let bindings = builder
        .generate()
        .expect("cbindgen could not read the crate");
    let mut generated = Vec::new();
    bindings.write(&mut generated);
    let generated = String::from_utf8(generated).unwrap();

    let path = dir.join("include/bedside.h");
    if std::env::var_os("BEDSIDE_BLESS_HEADER").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "include/bedside.h differs from what cbindgen generates from src/; \
         regenerate it with BEDSIDE_BLESS_HEADER=1 cargo test -p bedside-ffi --test header \
         and commit it"
    );
    for name in [
        "bedside_gs1_parse",
        "bedside_nhs_parse",
        "bedside_wristband_check",
        "bedside_barcode_encode",
        "bedside_reader_read",
        "bedside_version",
        "bedside_status_message",
        "BEDSIDE_STATUS_PANIC = 100",
    ] {
        assert!(generated.contains(name), "{name} missing from the header");
    }
}
