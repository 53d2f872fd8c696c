//! Writes the ZPL, PDF and PNG of one demo band into a directory, for a quick look:
//! `cargo run -p bedside-printer --example band -- OUT_DIR`.
use bedside_patient::{Date, DateOfBirth, NhsNumber, Sex, TestData};
use bedside_printer::layout::{Band, BandRequest, BandSize, Layout, Resolution};
use bedside_printer::zpl::{self, ZplOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let mut r = BandRequest::new(
        NhsNumber::parse("9990001235", TestData::Allow)?,
        "O'Brien-Nguyễn",
        "Zoë ^XZ ~JA _1",
    );
    r.date_of_birth = Some(DateOfBirth {
        date: Date::new(1980, 1, 18)?,
        time: None,
    });
    r.sex = Some(Sex::Female);
    r.hospital_number = Some("K1234567".into());
    r.linear = true;
    r.alert = true;
    let band = Band::new(&r)?;
    for res in [Resolution::Dpi203, Resolution::Dpi300] {
        let layout = Layout::new(&band, BandSize::Adult, res)?;
        std::fs::write(
            format!("{dir}/band-{}.zpl", res.dpi()),
            zpl::render(&layout, &ZplOptions::default())?,
        )?;
        std::fs::write(
            format!("{dir}/band-{}.png", res.dpi()),
            bedside_printer::png::render(&layout, &Default::default())?,
        )?;
        std::fs::write(
            format!("{dir}/band-{}.pdf", res.dpi()),
            bedside_printer::pdf::render(&layout, &Default::default())?,
        )?;
    }
    Ok(())
}
