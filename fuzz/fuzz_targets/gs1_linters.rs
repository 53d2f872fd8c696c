//! Fuzzes every GS1 Syntax Test: `Linter::check` for each of `Linter::ALL`
//! on the whole input, and on the input split at its first byte's position
//! (so short components are exercised too).
//!
//! Asserts: no panic; as documented on `LintError`, `offset + len` never
//! exceeds the component length; the linter's name maps back to it.
#![no_main]

use bedside_gs1::Linter;
use libfuzzer_sys::fuzz_target;

fn run(value: &[u8]) {
    for &l in Linter::ALL {
        if let Err(e) = l.check(value) {
            let end = usize::from(e.offset) + usize::from(e.len);
            assert!(
                end <= value.len(),
                "{}: error {e:?} reaches byte {end} of a {}-byte component {value:?}",
                l.name(),
                value.len()
            );
            let _ = e.to_string();
            let _ = e.class();
        }
    }
}

fuzz_target!(|data: &[u8]| {
    run(data);
    if let Some((&first, rest)) = data.split_first() {
        let at = usize::from(first).min(rest.len());
        run(&rest[..at]);
        run(&rest[at..]);
    }
    for &l in Linter::ALL {
        assert_eq!(Linter::from_name(l.name()), Some(l));
    }
});
