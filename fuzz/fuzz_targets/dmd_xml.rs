//! Fuzzes the dm+d release reader of `bedside-dmd`: `read` on arbitrary
//! bytes, the first byte choosing the `FileKind` (modulo 8), the rest being
//! the file.
//!
//! Asserts: no panic; a file fault names a line ≥ 1 and at most one more than
//! the input's newlines, a non-empty element, and renders; every GTIN handed
//! over is 14 digits.
#![no_main]

use bedside_dmd::{FileKind, ReadError, Record, read};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, file)) = data.split_first() else {
        return;
    };
    let kind = FileKind::ALL[usize::from(first) % FileKind::ALL.len()];
    let result = read(kind, "f_fuzz2_3011226.xml", file, |record| {
        if let Record::Gtin(g) = &record {
            assert!(
                g.gtin.len() == 14 && g.gtin.bytes().all(|b| b.is_ascii_digit()),
                "GTIN handed over is not 14 digits: {g:?}"
            );
        }
        Ok::<(), std::convert::Infallible>(())
    });
    match result {
        Ok(counts) => {
            let _ = counts.main(kind);
        }
        Err(ReadError::Dmd(e)) => {
            let lines = file.iter().filter(|&&b| b == b'\n').count() + 1;
            assert!(e.line >= 1, "line 0: {e:?}");
            assert!(
                usize::try_from(e.line).is_ok_and(|l| l <= lines),
                "line {} past the input's {lines} lines: {e:?}",
                e.line
            );
            assert!(!e.element.is_empty(), "no element: {e:?}");
            let _ = e.to_string();
        }
        Err(ReadError::Io { .. } | ReadError::Sink(_)) => {}
    }
});
