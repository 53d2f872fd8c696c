//! An EPR-like ward app that embeds `bedside-scanner`: every scanner on the
//! ward (or the ones named) as one stream, reacting to wristband and
//! medicine scans.
//!
//! ```sh
//! cargo run -p bedside-examples --example scanner_epr                     # all scanners
//! cargo run -p bedside-examples --example scanner_epr -- serial:/dev/ttyACM0,suffix=cr usb:0c2e:0b61
//! ```
//!
//! The pattern: the driver has already validated GS1 syntax (`scan.gs1`); the
//! app only asks "is this a wristband, a medicine, or something else?", and a
//! fault or unknown data is shown to the nurse, never guessed at. Which
//! patient is open follows the last valid wristband; a medicine scan with no
//! patient open is refused (fail closed).

use bedside_gs1::Message;
use bedside_gs1::keys::MedicinePack;
use bedside_patient::{Policy, Wristband};
use bedside_scanner::config::{DeviceSpec, ScannerConfig};
use bedside_scanner::manager::{Manager, ManagerOptions};
use bedside_scanner::{Event, Scan, StatusKind};

/// What the ward screen does with one scan.
#[derive(Debug, PartialEq, Eq)]
enum Reaction {
    OpenPatient {
        gsrn: String,
    },
    Administer {
        gtin: String,
        batch: Option<String>,
        expiry: Option<String>,
    },
    RefuseNoPatient,
    Unknown {
        shown: String,
    },
}

fn react(scan: &Scan, patient_open: bool) -> Reaction {
    let Some(m): Option<&Message<'_>> = scan.gs1.as_ref() else {
        return Reaction::Unknown {
            shown: scan.data_display(),
        };
    };
    // A band is a patient only if the wristband rules accept it (GSRN check digit, the
    // embedded NHS number's modulus 11, this trust's prefixes, a name and date of birth).
    if let Ok(band) = Wristband::from_message(m, &Policy::demo()) {
        return Reaction::OpenPatient {
            gsrn: band.gsrn().to_string(),
        };
    }
    if let Ok(pack) = MedicinePack::from_message(m, 2026) {
        if !patient_open {
            return Reaction::RefuseNoPatient;
        }
        return Reaction::Administer {
            gtin: pack.gtin.to_string(),
            batch: pack.batch.map(str::to_owned),
            expiry: pack.expiry.map(|d| format!("{:?}", d.last_valid_day())),
        };
    }
    Reaction::Unknown {
        shown: m.to_bracketed(),
    }
}

fn main() {
    let specs: Vec<String> = std::env::args().skip(1).collect();
    let mut scanners = Vec::new();
    for s in &specs {
        match s.parse::<DeviceSpec>() {
            Ok(spec) => scanners.push(ScannerConfig { spec, name: None }),
            Err(e) => {
                eprintln!("{s}: {e}");
                std::process::exit(2);
            }
        }
    }
    if scanners.is_empty() {
        scanners.push(ScannerConfig {
            spec: DeviceSpec::All,
            name: None,
        });
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap_or_else(|e| {
            eprintln!("tokio: {e}");
            std::process::exit(1);
        });
    rt.block_on(async {
        let mut stream = Manager::start(scanners, ManagerOptions::default());
        let mut patient: Option<String> = None;
        println!("ward screen ready; scan a wristband");
        while let Some(ev) = stream.recv().await {
            match ev {
                Event::Scan(scan) => match react(&scan, patient.is_some()) {
                    Reaction::OpenPatient { gsrn } => {
                        println!(
                            "[{}] patient wristband: opening record for GSRN {gsrn}",
                            scan.device
                        );
                        patient = Some(gsrn);
                    }
                    Reaction::Administer {
                        gtin,
                        batch,
                        expiry,
                    } => println!(
                        "[{}] medicine {gtin} batch {batch:?} use by {expiry:?} for patient {}",
                        scan.device,
                        patient.as_deref().unwrap_or("?")
                    ),
                    Reaction::RefuseNoPatient => {
                        println!(
                            "[{}] medicine scanned with no patient open: scan the wristband first",
                            scan.device
                        )
                    }
                    Reaction::Unknown { shown } => {
                        println!("[{}] not a wristband or medicine: {shown}", scan.device)
                    }
                },
                // A fault is a failed read: ask the nurse to scan again.
                Event::Fault(f) => {
                    println!("[{}] scan failed ({}): please scan again", f.device, f.kind)
                }
                Event::Status(s) => match s.kind {
                    StatusKind::Connected { description } => {
                        eprintln!("[{}] scanner ready: {description}", s.device)
                    }
                    StatusKind::Unusable { error } => {
                        eprintln!("[{}] scanner not usable: {error}", s.device)
                    }
                    _ => eprintln!("[{}] scanner disconnected; reconnecting", s.device),
                },
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use bedside_scanner::DeviceKey;
    use bedside_scanner::decode::Frame;

    fn scan(bytes: &[u8]) -> Scan {
        Scan::from_frame(
            DeviceKey::new("t"),
            Frame::from_scan_data(bytes.to_vec()),
            std::time::UNIX_EPOCH,
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn wristband_then_medicine() {
        assert!(matches!(
            react(&scan(b"]d28018952000099900012352\x1d80191"), false),
            Reaction::OpenPatient { .. }
        ));
        let med = scan(b"]d201095060001343521727013110BATCH42\x1d21Ser1aL");
        assert_eq!(react(&med, false), Reaction::RefuseNoPatient);
        assert!(matches!(react(&med, true), Reaction::Administer { .. }));
        assert!(matches!(
            react(&scan(b"]C0MRN0042"), true),
            Reaction::Unknown { .. }
        ));
    }
}
