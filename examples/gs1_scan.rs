//! An EPR receives raw bytes from a scanner and must decide what they are.
//!
//! `cargo run -p bedside-examples --example gs1_scan`
//!
//! The pattern: parse once with the strict defaults; act only on a valid GS1
//! message of the expected shape; show a person the reason when it is not.

use bedside_gs1::keys::{MedicinePack, StaffBadge};
use bedside_gs1::{Content, Options, Parser, dict::Dictionary};
use bedside_patient::{Policy, Wristband};

fn main() {
    // Many wedge scanners cannot send GS (0x1D); this site configured "~".
    let parser = Parser::new(
        Dictionary::embedded(),
        Options {
            gs_substitute: Some("~"),
            ..Options::default()
        },
    );
    let scans: [&[u8]; 5] = [
        b"]d28018952000099900012352~80191~725019800118\r\n",
        b"]d201095060001343521727013110BATCH42~21Ser1aL",
        b"]d28017952000000000000033~80191",
        b"]d201095060001343521727023010BATCH42",
        b"]d19434765919",
    ];
    for raw in scans {
        match parser.scan(raw) {
            Ok(scan) => match (&scan.content, scan.message()) {
                (Content::Gs1(_), Some(m)) => {
                    // The wristband rules (bedside-patient): GSRN check digit, the
                    // embedded NHS number's modulus 11, the trust's prefixes.
                    let policy = Policy::demo().with_require_name(false);
                    if let Ok(band) = Wristband::from_message(m, &policy) {
                        println!(
                            "patient wristband, GSRN {}, NHS number {}",
                            band.gsrn(),
                            band.nhs_number()
                        );
                    } else if let Ok(pack) = MedicinePack::from_message(m, 2026) {
                        let expiry = pack.expiry.map(|d| d.last_valid_day());
                        println!(
                            "medicine {} batch {:?} use by {:?}",
                            pack.gtin, pack.batch, expiry
                        );
                    } else if let Ok(badge) = StaffBadge::from_message(m) {
                        println!("staff badge {}", badge.gsrn);
                    } else {
                        println!("GS1 data of no expected shape: {}", m.to_bracketed());
                    }
                }
                _ => println!("not GS1 data: refused (plain symbols are never read as AIs)"),
            },
            Err(e) => println!(
                "refused [{}]: {} at {}",
                e.class(),
                e.kind,
                e.mark_input(raw)
            ),
        }
    }
}
