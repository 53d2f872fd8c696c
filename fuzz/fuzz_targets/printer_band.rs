//! Fuzzes band composition and ZPL generation in `bedside-printer` with arbitrary
//! names, hospital numbers and options (the input is split at 0xFF into fields).
//!
//! Asserts: no panic; a band that is accepted lays out and renders, and its ZPL is one
//! label (exactly one `^XA` and one `^XZ`, no tilde command) whatever the names
//! contain: text can never become a printer command.
#![no_main]

use bedside_patient::{NhsNumber, TestData};
use bedside_printer::layout::{Band, BandRequest, BandSize, Layout, Resolution};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut fields = data.split(|&b| b == 0xFF).map(String::from_utf8_lossy);
    let family = fields.next().unwrap_or_default();
    let given = fields.next().unwrap_or_default();
    let mrn = fields.next();
    let mother = fields.next();
    let flags = data.first().copied().unwrap_or(0);
    let Ok(nhs) = NhsNumber::parse("9990001235", TestData::Allow) else { return };
    let mut r = BandRequest::new(nhs, &family, &given);
    r.hospital_number = mrn.map(|m| m.into_owned());
    r.mother_name = mother.map(|m| m.into_owned());
    r.alert = flags & 1 != 0;
    r.linear = flags & 2 != 0;
    let Ok(band) = Band::new(&r) else { return };
    let size = [BandSize::Adult, BandSize::Child, BandSize::Neonate][usize::from(flags >> 2) % 3];
    let res = if flags & 0x20 != 0 { Resolution::Dpi203 } else { Resolution::Dpi300 };
    let Ok(layout) = Layout::new(&band, size, res) else { return };
    let Ok(zpl) = bedside_printer::zpl::render(&layout, &Default::default()) else { return };
    let text = String::from_utf8_lossy(&zpl);
    assert_eq!(text.matches("^XA").count(), 1, "{text}");
    assert_eq!(text.matches("^XZ").count(), 1, "{text}");
    assert!(!text.contains('~'), "{text}");
});
