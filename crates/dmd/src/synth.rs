//! Synthetic dm+d releases of any size, in NHSBSA's file format (feature `synth`).
//!
//! For benchmarks and load tests: the same file names, root elements and
//! attributes, comment line and 4-space layout as an NHSBSA release, with
//! deterministic synthetic content. Ids are SNOMED-shaped placeholders (18
//! digits, `8…1000001100`), not valid SNOMED CT ids; GTINs use the GS1 `952`
//! demo prefix with correct check digits.
//!
//! ```
//! use bedside_dmd::synth::{write_release, SynthSize};
//! let dir = tempfile::tempdir()?;
//! write_release(dir.path(), &SynthSize::small())?;
//! let release = bedside_dmd::Release::find(dir.path())?;
//! assert_eq!(release.release, "2026-12-01");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::FileKind;
use crate::error::gs1_check;

/// The release date of every synthetic release (`ddMMyy`): 1 December 2026.
pub const RELEASE_DDMMYY: &str = "011226";

/// How many records of each kind to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthSize {
    /// Ingredient substances.
    pub ingredient: usize,
    /// VTMs.
    pub vtm: usize,
    /// VMPs (each with one or two VPIs, a form, routes and control info).
    pub vmp: usize,
    /// AMPs (every tenth with an excipient; licensed routes as their VMP's).
    pub amp: usize,
    /// VMPPs.
    pub vmpp: usize,
    /// AMPPs.
    pub ampp: usize,
    /// GTINs (every tenth an ended one beside a current one of the same AMPP).
    pub gtin: usize,
}

impl SynthSize {
    /// About a real weekly release: 3 000 ingredients, 3 000 VTMs, 20 000
    /// VMPs, 150 000 AMPs, 20 000 VMPPs, 170 000 AMPPs, 120 000 GTINs.
    #[must_use]
    pub fn full() -> SynthSize {
        SynthSize {
            ingredient: 3_000,
            vtm: 3_000,
            vmp: 20_000,
            amp: 150_000,
            vmpp: 20_000,
            ampp: 170_000,
            gtin: 120_000,
        }
    }

    /// A few hundred records in all, for tests.
    #[must_use]
    pub fn small() -> SynthSize {
        SynthSize {
            ingredient: 30,
            vtm: 30,
            vmp: 100,
            amp: 300,
            vmpp: 100,
            ampp: 400,
            gtin: 300,
        }
    }
}

impl Default for SynthSize {
    /// [`SynthSize::full`].
    fn default() -> SynthSize {
        SynthSize::full()
    }
}

/// The NHSBSA file name of `kind` in a synthetic release (`f_vmp2_3011226.xml`).
#[must_use]
pub fn file_name(kind: FileKind) -> String {
    let minor = if kind == FileKind::Gtin { 0 } else { 3 };
    format!("f_{}2_{minor}{RELEASE_DDMMYY}.xml", kind.file_word())
}

/// Writes all eight files of a release of `size` into `dir` (which must exist).
///
/// # Errors
///
/// Any I/O error creating or writing the files.
pub fn write_release(dir: &Path, size: &SynthSize) -> io::Result<()> {
    for kind in FileKind::ALL {
        write_file(kind, dir, size)?;
    }
    Ok(())
}

/// Writes the one file of `kind` of a release of `size` into `dir`, and
/// returns its path.
///
/// # Errors
///
/// Any I/O error creating or writing the file.
pub fn write_file(kind: FileKind, dir: &Path, size: &SynthSize) -> io::Result<PathBuf> {
    let path = dir.join(file_name(kind));
    let mut w = Xml {
        out: BufWriter::with_capacity(1 << 16, File::create(&path)?),
    };
    w.open(kind)?;
    let s = Shape { size };
    match kind {
        FileKind::Lookup => s.lookup(&mut w)?,
        FileKind::Ingredient => s.ingredients(&mut w)?,
        FileKind::Vtm => s.vtms(&mut w)?,
        FileKind::Vmp => s.vmps(&mut w)?,
        FileKind::Amp => s.amps(&mut w)?,
        FileKind::Vmpp => s.vmpps(&mut w)?,
        FileKind::Ampp => s.ampps(&mut w)?,
        FileKind::Gtin => s.gtins(&mut w)?,
    }
    writeln!(w.out, "</{}>", kind.root())?;
    w.out.flush()?;
    Ok(path)
}

// SNOMED codes quoted in the dm+d notes (units, forms, routes).
const MG: &str = "258684004";
const ML: &str = "258773002";
const TABLET: &str = "428673006";
const CAPSULE: &str = "428641000";
const VIAL: &str = "415818006";
const AMPOULE: &str = "413516001";
const ORAL: &str = "26643006";
const IV: &str = "47625008";
const IM: &str = "78421000";
const SC: &str = "34206005";
const SUPPLIERS: usize = 50;

/// The kinds of id, one leading digit each.
#[derive(Clone, Copy)]
enum Id {
    Ingredient = 1,
    Vtm = 2,
    Vmp = 3,
    Amp = 4,
    Vmpp = 5,
    Ampp = 6,
    Supplier = 7,
    Previous = 9,
}

fn id(kind: Id, n: usize) -> String {
    format!("8{}{n:06}1000001100", kind as u8)
}

/// A 13-digit GTIN with the GS1 `952` demo prefix (every fifth written as 14 digits).
fn gtin(n: usize) -> String {
    let body = format!("952{n:09}");
    let check = gs1_check(body.as_bytes());
    if n.is_multiple_of(5) {
        format!("0{body}{check}")
    } else {
        format!("{body}{check}")
    }
}

struct Xml<W: Write> {
    out: W,
}

impl<W: Write> Xml<W> {
    fn open(&mut self, kind: FileKind) -> io::Result<()> {
        let xsi = "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"";
        if kind == FileKind::Gtin {
            writeln!(
                self.out,
                "<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"no\"?>\n<{} {xsi} xsi:noNamespaceSchemaLocation=\"{}\">\n    <!-- Generated by NHSBSA PPD on 2026/12/01 18:27:41 -->",
                kind.root(),
                kind.schema()
            )
        } else {
            writeln!(
                self.out,
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<{} xmlns=\"\" {xsi} xsi:noNamespaceSchemaLocation=\"{}\">\n    <!-- Generated by NHSBSA PPD -->",
                kind.root(),
                kind.schema()
            )
        }
    }

    fn group(&mut self, tag: &str, open: bool) -> io::Result<()> {
        if open {
            writeln!(self.out, "    <{tag}>")
        } else {
            writeln!(self.out, "    </{tag}>")
        }
    }

    /// One record element with its value elements (absent ones skipped).
    fn record(
        &mut self,
        indent: usize,
        tag: &str,
        fields: &[(&str, Option<&str>)],
    ) -> io::Result<()> {
        let pad = "                "
            .get(..indent)
            .unwrap_or("                ");
        writeln!(self.out, "{pad}<{tag}>")?;
        for (name, value) in fields {
            if let Some(v) = value {
                writeln!(self.out, "{pad}    <{name}>{v}</{name}>")?;
            }
        }
        writeln!(self.out, "{pad}</{tag}>")
    }
}

/// The four product shapes, by VMP number.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    Tablet,
    Capsule,
    Injection,
    OralSolution,
}

impl Form {
    fn of(vmp: usize) -> Form {
        match vmp % 4 {
            0 => Form::Tablet,
            1 => Form::Capsule,
            2 => Form::Injection,
            _ => Form::OralSolution,
        }
    }

    fn routes(self) -> &'static [&'static str] {
        match self {
            Form::Tablet | Form::Capsule | Form::OralSolution => &[ORAL],
            Form::Injection => &[IV, IM, SC],
        }
    }
}

const STRENGTHS: [&str; 10] = [
    "5", "10", "20", "25", "50", "100", "250", "500", "0.5", "2.5",
];

struct Shape<'a> {
    size: &'a SynthSize,
}

impl Shape<'_> {
    fn lookup<W: Write>(&self, w: &mut Xml<W>) -> io::Result<()> {
        let tables: [(&str, &[(&str, &str)]); 10] = [
            (
                "UNIT_OF_MEASURE",
                &[
                    (MG, "mg"),
                    (ML, "ml"),
                    (TABLET, "tablet"),
                    (CAPSULE, "capsule"),
                    (VIAL, "vial"),
                    (AMPOULE, "ampoule"),
                ],
            ),
            (
                "ROUTE",
                &[
                    (ORAL, "Oral"),
                    (IV, "Intravenous"),
                    (IM, "Intramuscular"),
                    (SC, "Subcutaneous"),
                ],
            ),
            (
                "FORM",
                &[
                    ("385055001", "Tablet"),
                    ("385049006", "Capsule"),
                    ("385023001", "Oral solution"),
                    ("385219001", "Solution for injection"),
                ],
            ),
            (
                "CONTROL_DRUG_CATEGORY",
                &[
                    ("0000", "No Controlled Drug Status"),
                    ("0002", "Schedule 2 (CD)"),
                ],
            ),
            (
                "LEGAL_CATEGORY",
                &[("0001", "GSL"), ("0002", "P"), ("0003", "POM")],
            ),
            (
                "BASIS_OF_STRNTH",
                &[
                    ("0001", "Based on Ingredient Substance"),
                    ("0002", "Based on Base Substance"),
                ],
            ),
            (
                "DF_INDICATOR",
                &[
                    ("1", "Discrete"),
                    ("2", "Continuous"),
                    ("3", "Not applicable"),
                ],
            ),
            (
                "DISCONTINUED_IND",
                &[("0000", "Reinstated"), ("0001", "Discontinued")],
            ),
            (
                "VIRTUAL_PRODUCT_PRES_STATUS",
                &[("0001", "Valid as a prescribable product")],
            ),
            (
                "VIRTUAL_PRODUCT_NON_AVAIL",
                &[
                    ("0000", "Available"),
                    ("0001", "Actual Products not Available"),
                ],
            ),
        ];
        for (table, rows) in tables {
            w.group(table, true)?;
            for (cd, desc) in rows {
                w.record(8, "INFO", &[("CD", Some(cd)), ("DESC", Some(desc))])?;
            }
            w.group(table, false)?;
        }
        w.group("SUPPLIER", true)?;
        for n in 0..SUPPLIERS {
            let cd = id(Id::Supplier, n);
            let desc = format!("Synthetic Supplier {n} Ltd");
            let invalid = (n == SUPPLIERS - 1).then_some("1");
            w.record(
                8,
                "INFO",
                &[
                    ("CD", Some(&cd)),
                    ("INVALID", invalid),
                    ("DESC", Some(&desc)),
                ],
            )?;
        }
        w.group("SUPPLIER", false)
    }

    fn ingredients<W: Write>(&self, w: &mut Xml<W>) -> io::Result<()> {
        for n in 0..self.size.ingredient {
            let isid = id(Id::Ingredient, n);
            let prev = (n % 97 == 3).then(|| id(Id::Previous, n));
            let name = format!("Synthetic substance {n}");
            w.record(
                4,
                "ING",
                &[
                    ("ISID", Some(&isid)),
                    ("ISIDDT", prev.as_ref().map(|_| "2020-01-01")),
                    ("ISIDPREV", prev.as_deref()),
                    ("INVALID", (n % 211 == 7).then_some("1")),
                    ("NM", Some(&name)),
                ],
            )?;
        }
        Ok(())
    }

    fn vtms<W: Write>(&self, w: &mut Xml<W>) -> io::Result<()> {
        for n in 0..self.size.vtm {
            let vtmid = id(Id::Vtm, n);
            let prev = (n % 50 == 5).then(|| id(Id::Previous, 100_000 + n));
            let name = format!("Synthamol {n}");
            w.record(
                4,
                "VTM",
                &[
                    ("VTMID", Some(&vtmid)),
                    ("INVALID", (n % 101 == 9).then_some("1")),
                    ("NM", Some(&name)),
                    ("VTMIDPREV", prev.as_deref()),
                    ("VTMIDDT", prev.as_ref().map(|_| "2021-04-01")),
                ],
            )?;
        }
        Ok(())
    }

    fn vtm_of(&self, vmp: usize) -> Option<usize> {
        (vmp % 40 != 39 && self.size.vtm > 0).then(|| vmp % self.size.vtm)
    }

    fn vmp_name(&self, vmp: usize) -> String {
        let strength = STRENGTHS[vmp % STRENGTHS.len()];
        let base = match self.vtm_of(vmp) {
            Some(v) => format!("Synthamol {v}"),
            None => format!("Synthetic device {vmp}"),
        };
        match Form::of(vmp) {
            Form::Tablet => format!("{base} {strength}mg tablets"),
            Form::Capsule => format!("{base} {strength}mg capsules"),
            Form::Injection => format!("{base} {strength}mg/2ml solution for injection vials"),
            Form::OralSolution => format!("{base} {strength}mg/5ml oral solution"),
        }
    }

    fn vmps<W: Write>(&self, w: &mut Xml<W>) -> io::Result<()> {
        let n = self.size.vmp;
        w.group("VMPS", true)?;
        for v in 0..n {
            let vpid = id(Id::Vmp, v);
            let prev = (v % 25 == 11).then(|| id(Id::Previous, 200_000 + v));
            let vtmid = self.vtm_of(v).map(|t| id(Id::Vtm, t));
            let name = self.vmp_name(v);
            let form = Form::of(v);
            let (df, udfs, udfs_uom, unit) = match form {
                Form::Tablet => ("1", Some("1"), Some(TABLET), Some(TABLET)),
                Form::Capsule => ("1", Some("1"), Some(CAPSULE), Some(CAPSULE)),
                Form::Injection => ("1", Some("2"), Some(ML), Some(VIAL)),
                Form::OralSolution => ("2", None, None, None),
            };
            let invalid = v % 60 == 17;
            w.record(
                8,
                "VMP",
                &[
                    ("VPID", Some(&vpid)),
                    ("VPIDDT", prev.as_ref().map(|_| "2022-06-01")),
                    ("VPIDPREV", prev.as_deref()),
                    ("VTMID", vtmid.as_deref()),
                    ("INVALID", invalid.then_some("1")),
                    ("NM", Some(&name)),
                    ("BASISCD", Some("0001")),
                    ("PRES_STATCD", Some("0001")),
                    ("NON_AVAILCD", invalid.then_some("0001")),
                    ("DF_INDCD", Some(df)),
                    ("UDFS", udfs),
                    ("UDFS_UOMCD", udfs_uom),
                    ("UNIT_DOSE_UOMCD", unit),
                ],
            )?;
        }
        w.group("VMPS", false)?;
        w.group("VIRTUAL_PRODUCT_INGREDIENT", true)?;
        for v in 0..n {
            let vpid = id(Id::Vmp, v);
            let ingredients = if v % 7 == 3 { 2 } else { 1 };
            for k in 0..ingredients {
                let isid = id(Id::Ingredient, (v + k * 7) % self.size.ingredient.max(1));
                let strength = STRENGTHS[(v + k) % STRENGTHS.len()];
                let (num, den, den_uom) = match Form::of(v) {
                    Form::Tablet | Form::Capsule => (strength, None, None),
                    // `strength`mg/2ml, written per 1 ml as dm+d does.
                    Form::Injection => ("2.5", Some("1"), Some(ML)),
                    Form::OralSolution => ("1", Some("1"), Some(ML)),
                };
                w.record(
                    8,
                    "VPI",
                    &[
                        ("VPID", Some(&vpid)),
                        ("ISID", Some(&isid)),
                        ("BASIS_STRNTCD", Some("0001")),
                        ("STRNT_NMRTR_VAL", Some(num)),
                        ("STRNT_NMRTR_UOMCD", Some(MG)),
                        ("STRNT_DNMTR_VAL", den),
                        ("STRNT_DNMTR_UOMCD", den_uom),
                    ],
                )?;
            }
        }
        w.group("VIRTUAL_PRODUCT_INGREDIENT", false)?;
        w.group("ONT_DRUG_FORM", true)?;
        for v in 0..n {
            let ont = match Form::of(v) {
                Form::Tablet => "0001",
                Form::Capsule => "0003",
                _ => continue,
            };
            let vpid = id(Id::Vmp, v);
            w.record(8, "ONT", &[("VPID", Some(&vpid)), ("FORMCD", Some(ont))])?;
        }
        w.group("ONT_DRUG_FORM", false)?;
        w.group("DRUG_FORM", true)?;
        for v in 0..n {
            let form = match Form::of(v) {
                Form::Tablet => "385055001",
                Form::Capsule => "385049006",
                Form::Injection => "385219001",
                Form::OralSolution => "385023001",
            };
            let vpid = id(Id::Vmp, v);
            w.record(8, "DFORM", &[("VPID", Some(&vpid)), ("FORMCD", Some(form))])?;
        }
        w.group("DRUG_FORM", false)?;
        w.group("DRUG_ROUTE", true)?;
        for v in 0..n {
            let vpid = id(Id::Vmp, v);
            for route in Form::of(v).routes() {
                w.record(
                    8,
                    "DROUTE",
                    &[("VPID", Some(&vpid)), ("ROUTECD", Some(route))],
                )?;
            }
        }
        w.group("DRUG_ROUTE", false)?;
        w.group("CONTROL_DRUG_INFO", true)?;
        for v in 0..n {
            let vpid = id(Id::Vmp, v);
            let cat = if v % 30 == 2 { "0002" } else { "0000" };
            w.record(
                8,
                "CONTROL_INFO",
                &[("VPID", Some(&vpid)), ("CATCD", Some(cat))],
            )?;
        }
        w.group("CONTROL_DRUG_INFO", false)
    }

    fn vmp_of_amp(&self, amp: usize) -> usize {
        amp % self.size.vmp.max(1)
    }

    fn amps<W: Write>(&self, w: &mut Xml<W>) -> io::Result<()> {
        let n = self.size.amp;
        w.group("AMPS", true)?;
        for a in 0..n {
            let apid = id(Id::Amp, a);
            let v = self.vmp_of_amp(a);
            let vpid = id(Id::Vmp, v);
            let supplier = a % SUPPLIERS;
            let name = self.vmp_name(v);
            let desc = format!("{name} (Synthetic Supplier {supplier} Ltd)");
            let suppcd = id(Id::Supplier, supplier);
            w.record(
                8,
                "AMP",
                &[
                    ("APID", Some(&apid)),
                    ("INVALID", (a % 80 == 13).then_some("1")),
                    ("VPID", Some(&vpid)),
                    ("NM", Some(&name)),
                    ("DESC", Some(&desc)),
                    ("SUPPCD", Some(&suppcd)),
                    ("LIC_AUTHCD", Some("0001")),
                    ("AVAIL_RESTRICTCD", Some("0001")),
                ],
            )?;
        }
        w.group("AMPS", false)?;
        w.group("AP_INGREDIENT", true)?;
        for a in (0..n).filter(|a| a % 10 == 4) {
            let apid = id(Id::Amp, a);
            let isid = id(Id::Ingredient, (a / 10) % self.size.ingredient.max(1));
            w.record(8, "AP_ING", &[("APID", Some(&apid)), ("ISID", Some(&isid))])?;
        }
        w.group("AP_INGREDIENT", false)?;
        w.group("LICENSED_ROUTE", true)?;
        for a in 0..n {
            let apid = id(Id::Amp, a);
            for route in Form::of(self.vmp_of_amp(a)).routes() {
                w.record(
                    8,
                    "LIC_ROUTE",
                    &[("APID", Some(&apid)), ("ROUTECD", Some(route))],
                )?;
            }
        }
        w.group("LICENSED_ROUTE", false)
    }

    fn pack(&self, vmp: usize) -> (&'static str, &'static str, &'static str) {
        match Form::of(vmp) {
            Form::Tablet => ("28", TABLET, "tablet"),
            Form::Capsule => ("30", CAPSULE, "capsule"),
            Form::Injection => ("10", VIAL, "vial"),
            Form::OralSolution => ("100", ML, "ml"),
        }
    }

    fn vmp_of_vmpp(&self, vmpp: usize) -> usize {
        vmpp % self.size.vmp.max(1)
    }

    fn vmpps<W: Write>(&self, w: &mut Xml<W>) -> io::Result<()> {
        w.group("VMPPS", true)?;
        for p in 0..self.size.vmpp {
            let v = self.vmp_of_vmpp(p);
            let (qty, uom, unit) = self.pack(v);
            let vppid = id(Id::Vmpp, p);
            let vpid = id(Id::Vmp, v);
            let name = format!("{} {qty} {unit}", self.vmp_name(v));
            w.record(
                8,
                "VMPP",
                &[
                    ("VPPID", Some(&vppid)),
                    ("INVALID", (p % 90 == 21).then_some("1")),
                    ("NM", Some(&name)),
                    ("VPID", Some(&vpid)),
                    ("QTYVAL", Some(qty)),
                    ("QTY_UOMCD", Some(uom)),
                ],
            )?;
        }
        w.group("VMPPS", false)
    }

    fn ampps<W: Write>(&self, w: &mut Xml<W>) -> io::Result<()> {
        w.group("AMPPS", true)?;
        for m in 0..self.size.ampp {
            let a = m % self.size.amp.max(1);
            let v = self.vmp_of_amp(a);
            // The VMPP of the same VMP when there is one.
            let p = if v < self.size.vmpp {
                v
            } else {
                v % self.size.vmpp.max(1)
            };
            let (qty, _, unit) = self.pack(v);
            let appid = id(Id::Ampp, m);
            let vppid = id(Id::Vmpp, p);
            let apid = id(Id::Amp, a);
            let name = format!(
                "{} (Synthetic Supplier {} Ltd) {qty} {unit}",
                self.vmp_name(v),
                a % SUPPLIERS
            );
            let legal = match Form::of(v) {
                Form::Tablet if m % 3 == 0 => "0002",
                _ => "0003",
            };
            let disc = m % 40 == 27;
            w.record(
                8,
                "AMPP",
                &[
                    ("APPID", Some(&appid)),
                    ("INVALID", (m % 120 == 31).then_some("1")),
                    ("NM", Some(&name)),
                    ("VPPID", Some(&vppid)),
                    ("APID", Some(&apid)),
                    ("LEGAL_CATCD", Some(legal)),
                    ("DISCCD", disc.then_some("0001")),
                    ("DISCDT", disc.then_some("2025-03-31")),
                ],
            )?;
        }
        w.group("AMPPS", false)
    }

    fn gtins<W: Write>(&self, w: &mut Xml<W>) -> io::Result<()> {
        w.group("AMPPS", true)?;
        let ampps = self.size.ampp.max(1);
        let mut g = 0;
        while g < self.size.gtin {
            // Every tenth GTIN is an ended one of the AMPP before it: every
            // other time in its own <AMPP> (the real files' shape), else as
            // a second <GTINDATA> (allowed by the schema).
            let m = (g - g / 10) % ampps;
            let amppid = id(Id::Ampp, m);
            let current = gtin(g);
            let ended = (g % 10 == 8 && g + 1 < self.size.gtin).then(|| gtin(g + 1));
            writeln!(
                w.out,
                "        <AMPP>\n            <AMPPID>{amppid}</AMPPID>"
            )?;
            w.record(
                12,
                "GTINDATA",
                &[("GTIN", Some(&current)), ("STARTDT", Some("2023-04-01"))],
            )?;
            let ended_data: [(&str, Option<&str>); 3] = [
                ("GTIN", ended.as_deref()),
                ("STARTDT", Some("2015-06-01")),
                ("ENDDT", Some("2023-03-31")),
            ];
            match &ended {
                Some(_) if g % 20 == 8 => {
                    w.record(12, "GTINDATA", &ended_data)?;
                    writeln!(w.out, "        </AMPP>")?;
                }
                Some(_) => {
                    writeln!(
                        w.out,
                        "        </AMPP>\n        <AMPP>\n            <AMPPID>{amppid}</AMPPID>"
                    )?;
                    w.record(12, "GTINDATA", &ended_data)?;
                    writeln!(w.out, "        </AMPP>")?;
                }
                None => writeln!(w.out, "        </AMPP>")?,
            }
            g += if ended.is_some() { 2 } else { 1 };
        }
        w.group("AMPPS", false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Counts, Record, Release, read, strength_per_unit};
    use std::io::BufReader;

    #[test]
    fn small_release_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let size = SynthSize::small();
        write_release(dir.path(), &size).unwrap();
        let release = Release::find(dir.path()).unwrap();
        let mut total = Counts::default();
        let mut vmps = std::collections::HashMap::new();
        let mut strengths = 0;
        for (kind, path) in release.files() {
            let input = BufReader::new(File::open(path).unwrap());
            let c = read(kind, &file_name(kind), input, |r| {
                match r {
                    Record::Vmp(v) => {
                        vmps.insert(v.vpid.clone(), v);
                    }
                    Record::Vpi(p) if strength_per_unit(&vmps[&p.vpid], &p).is_ok() => {
                        strengths += 1;
                    }
                    Record::Gtin(g) => assert_eq!(g.gtin.len(), 14),
                    _ => {}
                }
                Ok::<(), std::convert::Infallible>(())
            })
            .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                c.main(kind) as usize,
                match kind {
                    FileKind::Lookup => c.lookup as usize,
                    FileKind::Ingredient => size.ingredient,
                    FileKind::Vtm => size.vtm,
                    FileKind::Vmp => size.vmp,
                    FileKind::Amp => size.amp,
                    FileKind::Vmpp => size.vmpp,
                    FileKind::Ampp => size.ampp,
                    FileKind::Gtin => size.gtin,
                }
            );
            total.vpi += c.vpi;
        }
        assert!(total.vpi as usize > size.vmp);
        // Three forms in four have a unit dose.
        assert!(strengths > size.vmp / 2);
    }
}
