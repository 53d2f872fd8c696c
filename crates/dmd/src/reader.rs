//! The streaming reader: one pass, one record at a time, flat memory.

use std::io::BufRead;

use jiff::civil::Date;
use quick_xml::Reader;
use quick_xml::events::Event;

use crate::Decimal;
use crate::error::{DmdError, DmdErrorKind, ReadError, gtin14};
use crate::lines::LineCounter;
use crate::records::{
    Amp, Ampp, ApIngredient, ControlInfo, Counts, FileKind, GtinEntry, Ingredient, LicensedRoute,
    LookupEntry, Record, Vmp, VmpForm, VmpRoute, Vmpp, Vpi, Vtm,
};

/// The record elements, with the value elements each one keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rec {
    Lookup,
    Ing,
    Vtm,
    Vmp,
    Vpi,
    Dform,
    Droute,
    Control,
    Amp,
    ApIng,
    LicRoute,
    Vmpp,
    Ampp,
    GtinAmpp,
    GtinData,
}

impl Rec {
    fn fields(self) -> &'static [&'static str] {
        match self {
            Rec::Lookup => &["CD", "DESC", "CDPREV", "INVALID"],
            Rec::Ing => &["ISID", "ISIDPREV", "INVALID", "NM"],
            Rec::Vtm => &["VTMID", "VTMIDPREV", "INVALID", "NM"],
            Rec::Vmp => &[
                "VPID",
                "VPIDPREV",
                "VTMID",
                "INVALID",
                "NM",
                "DF_INDCD",
                "UDFS",
                "UDFS_UOMCD",
                "UNIT_DOSE_UOMCD",
                "NON_AVAILCD",
                "PRES_STATCD",
            ],
            Rec::Vpi => &[
                "VPID",
                "ISID",
                "BASIS_STRNTCD",
                "BS_SUBID",
                "STRNT_NMRTR_VAL",
                "STRNT_NMRTR_UOMCD",
                "STRNT_DNMTR_VAL",
                "STRNT_DNMTR_UOMCD",
            ],
            Rec::Dform => &["VPID", "FORMCD"],
            Rec::Droute => &["VPID", "ROUTECD"],
            Rec::Control => &["VPID", "CATCD"],
            Rec::Amp => &["APID", "VPID", "INVALID", "NM", "DESC", "SUPPCD"],
            Rec::ApIng => &["APID", "ISID"],
            Rec::LicRoute => &["APID", "ROUTECD"],
            Rec::Vmpp => &["VPPID", "VPID", "INVALID", "NM", "QTYVAL", "QTY_UOMCD"],
            Rec::Ampp => &[
                "APPID",
                "VPPID",
                "APID",
                "INVALID",
                "NM",
                "LEGAL_CATCD",
                "DISCCD",
            ],
            Rec::GtinAmpp => &["AMPPID"],
            Rec::GtinData => &["GTIN", "STARTDT", "ENDDT"],
        }
    }

    /// The record element met at `depth` (root = 1) under `parent`.
    fn classify(kind: FileKind, depth: usize, parent: &str, name: &str) -> Option<Rec> {
        let rec = match (kind, depth, parent, name) {
            (FileKind::Lookup, 3, _, "INFO") => Rec::Lookup,
            (FileKind::Ingredient, 2, _, "ING") => Rec::Ing,
            (FileKind::Vtm, 2, _, "VTM") => Rec::Vtm,
            (FileKind::Vmp, 3, "VMPS", "VMP") => Rec::Vmp,
            (FileKind::Vmp, 3, "VIRTUAL_PRODUCT_INGREDIENT", "VPI") => Rec::Vpi,
            (FileKind::Vmp, 3, "DRUG_FORM", "DFORM") => Rec::Dform,
            (FileKind::Vmp, 3, "DRUG_ROUTE", "DROUTE") => Rec::Droute,
            (FileKind::Vmp, 3, "CONTROL_DRUG_INFO", "CONTROL_INFO") => Rec::Control,
            (FileKind::Amp, 3, "AMPS", "AMP") => Rec::Amp,
            (FileKind::Amp, 3, "AP_INGREDIENT", "AP_ING") => Rec::ApIng,
            (FileKind::Amp, 3, "LICENSED_ROUTE", "LIC_ROUTE") => Rec::LicRoute,
            (FileKind::Vmpp, 3, "VMPPS", "VMPP") => Rec::Vmpp,
            (FileKind::Ampp, 3, "AMPPS", "AMPP") => Rec::Ampp,
            (FileKind::Gtin, 3, "AMPPS", "AMPP") => Rec::GtinAmpp,
            _ => return None,
        };
        Some(rec)
    }
}

/// Where one value sits in [`Fields::text`].
#[derive(Debug, Clone, Copy)]
struct Slot {
    start: usize,
    end: usize,
    line: u32,
}

/// The values of one record, in one reused buffer.
#[derive(Debug, Default)]
struct Fields {
    slots: [Option<Slot>; 12],
    text: String,
}

impl Fields {
    fn clear(&mut self) {
        self.slots = [None; 12];
        self.text.clear();
    }
}

/// The record being built, for the value getters.
struct View<'a> {
    file: &'a str,
    rec: Rec,
    prefix: &'a str,
    line: u32,
    fields: &'a Fields,
}

impl View<'_> {
    fn err(&self, field: usize, line: u32, kind: DmdErrorKind) -> DmdError {
        DmdError {
            file: self.file.to_owned(),
            line,
            element: format!("{}/{}", self.prefix, self.rec.fields()[field]),
            kind,
        }
    }

    /// The raw value and its line.
    fn raw(&self, field: usize) -> Option<(&str, u32)> {
        self.fields.slots[field].map(|s| (&self.fields.text[s.start..s.end], s.line))
    }

    /// The value with XML white space trimmed, `None` if absent.
    fn trimmed(&self, field: usize) -> Option<(&str, u32)> {
        self.raw(field)
            .map(|(t, l)| (t.trim_matches([' ', '\t', '\r', '\n']), l))
    }

    fn required(&self, field: usize) -> Result<(&str, u32), DmdError> {
        match self.trimmed(field) {
            Some(("", line)) => Err(self.err(field, line, DmdErrorKind::Empty)),
            Some(v) => Ok(v),
            None => Err(self.err(
                field,
                self.line,
                DmdErrorKind::Missing(self.rec.fields()[field]),
            )),
        }
    }

    fn check_id(&self, field: usize, text: &str, line: u32) -> Result<String, DmdError> {
        if (1..=18).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit()) {
            Ok(text.to_owned())
        } else {
            Err(self.err(field, line, DmdErrorKind::BadId(text.to_owned())))
        }
    }

    fn check_code(&self, field: usize, text: &str, line: u32) -> Result<String, DmdError> {
        if !text.is_empty() && text.len() <= 18 && text.bytes().all(|b| b.is_ascii_digit()) {
            Ok(text.to_owned())
        } else {
            Err(self.err(field, line, DmdErrorKind::BadCode(text.to_owned())))
        }
    }

    fn id(&self, field: usize) -> Result<String, DmdError> {
        let (t, line) = self.required(field)?;
        self.check_id(field, t, line)
    }

    fn opt_id(&self, field: usize) -> Result<Option<String>, DmdError> {
        self.trimmed(field)
            .map(|(t, line)| self.check_id(field, t, line))
            .transpose()
    }

    fn code(&self, field: usize) -> Result<String, DmdError> {
        let (t, line) = self.required(field)?;
        self.check_code(field, t, line)
    }

    fn opt_code(&self, field: usize) -> Result<Option<String>, DmdError> {
        self.trimmed(field)
            .map(|(t, line)| self.check_code(field, t, line))
            .transpose()
    }

    /// A required text value, as written.
    fn text(&self, field: usize) -> Result<String, DmdError> {
        self.required(field)?;
        Ok(self
            .raw(field)
            .map(|(t, _)| t.to_owned())
            .unwrap_or_default())
    }

    /// `INVALID`-style flag: absent = false; a number 0 or 1 (`1`, `0001`).
    fn flag(&self, field: usize) -> Result<bool, DmdError> {
        let Some((t, line)) = self.trimmed(field) else {
            return Ok(false);
        };
        let bad = || self.err(field, line, DmdErrorKind::BadFlag(t.to_owned()));
        if t.is_empty() || t.len() > 4 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        match t.trim_start_matches('0') {
            "" => Ok(false),
            "1" => Ok(true),
            _ => Err(bad()),
        }
    }

    fn opt_decimal(&self, field: usize) -> Result<Option<Decimal>, DmdError> {
        let Some((t, line)) = self.trimmed(field) else {
            return Ok(None);
        };
        t.parse::<Decimal>().map(Some).map_err(|reason| {
            self.err(
                field,
                line,
                DmdErrorKind::BadNumber {
                    text: t.to_owned(),
                    reason,
                },
            )
        })
    }

    fn check_date(&self, field: usize, t: &str, line: u32) -> Result<Date, DmdError> {
        parse_date(t).ok_or_else(|| self.err(field, line, DmdErrorKind::BadDate(t.to_owned())))
    }

    fn date(&self, field: usize) -> Result<Date, DmdError> {
        let (t, line) = self.required(field)?;
        self.check_date(field, t, line)
    }

    fn opt_date(&self, field: usize) -> Result<Option<Date>, DmdError> {
        self.trimmed(field)
            .map(|(t, line)| self.check_date(field, t, line))
            .transpose()
    }

    fn gtin(&self, field: usize) -> Result<String, DmdError> {
        let (t, line) = self.required(field)?;
        gtin14(t).map_err(|fault| {
            self.err(
                field,
                line,
                DmdErrorKind::BadGtin {
                    text: t.to_owned(),
                    fault,
                },
            )
        })
    }
}

/// `CCYY-MM-DD`, exactly, and a real day.
pub(crate) fn parse_date(t: &str) -> Option<Date> {
    let b = t.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i16> {
        let s = &b[r];
        if !s.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(s.iter().fold(0_i16, |n, d| n * 10 + i16::from(d - b'0')))
    };
    let year = num(0..4)?;
    let month = i8::try_from(num(5..7)?).ok()?;
    let day = i8::try_from(num(8..10)?).ok()?;
    Date::new(year, month, day).ok()
}

/// An open element of the current path (the `String`s are reused).
#[derive(Debug, Default)]
struct Stack {
    names: Vec<String>,
    len: usize,
}

impl Stack {
    fn push(&mut self, name: &str) {
        if let Some(slot) = self.names.get_mut(self.len) {
            slot.clear();
            slot.push_str(name);
        } else {
            self.names.push(name.to_owned());
        }
        self.len += 1;
    }

    fn pop(&mut self) {
        self.len = self.len.saturating_sub(1);
    }

    fn get(&self, depth: usize) -> &str {
        depth
            .checked_sub(1)
            .and_then(|i| self.names.get(i))
            .filter(|_| depth <= self.len)
            .map_or("", String::as_str)
    }

    fn path(&self) -> String {
        if self.len == 0 {
            return "-".to_owned();
        }
        self.names[..self.len].join("/")
    }
}

struct Open {
    rec: Rec,
    depth: usize,
    line: u32,
}

struct Capture {
    index: usize,
    depth: usize,
    line: u32,
    sub: bool,
}

/// A `GTINDATA` read, waiting for the end of its `AMPP`.
struct PendingGtin {
    gtin: String,
    start: Date,
    end: Option<Date>,
}

struct Parser<'f> {
    kind: FileKind,
    file: &'f str,
    stack: Stack,
    root_seen: bool,
    skip_from: Option<usize>,
    rec: Option<Open>,
    sub: Option<Open>,
    capture: Option<Capture>,
    fields: Fields,
    sub_fields: Fields,
    pending: Vec<PendingGtin>,
    counts: Counts,
}

/// Reads one dm+d file, handing each record to `sink` as soon as its closing
/// tag is read.
///
/// `file_name` is only used in errors. Memory stays flat whatever the file's
/// size: one record's values are held at a time. Elements the crate does not
/// model (`VMP/ABBREVNM`, `AP_INFORMATION`, `DRUG_TARIFF_INFO`, …) are skipped;
/// the root element must be [`FileKind::root`].
///
/// ```
/// use bedside_dmd::{read, FileKind, Record};
/// let xml = r#"<?xml version="1.0" encoding="utf-8"?>
/// <!-- Generated by NHSBSA PPD -->
/// <VIRTUAL_THERAPEUTIC_MOIETIES xmlns="">
///   <VTM><VTMID>900000001000001100</VTMID><NM>Paracetamol</NM></VTM>
/// </VIRTUAL_THERAPEUTIC_MOIETIES>"#;
/// let mut names = Vec::new();
/// let counts = read(FileKind::Vtm, "f_vtm2_3011226.xml", xml.as_bytes(), |r| {
///     if let Record::Vtm(v) = r {
///         names.push(v.name);
///     }
///     Ok::<(), std::convert::Infallible>(())
/// })?;
/// assert_eq!(counts.vtm, 1);
/// assert_eq!(names, ["Paracetamol"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`ReadError::Dmd`] for the first fault in the file (with its line and
/// element), [`ReadError::Io`] if the input fails, [`ReadError::Sink`] if
/// `sink` refuses a record. Records handed over before the error stay handed
/// over: run the whole load in one transaction.
pub fn read<R: BufRead, E>(
    kind: FileKind,
    file_name: &str,
    input: R,
    mut sink: impl FnMut(Record) -> Result<(), E>,
) -> Result<Counts, ReadError<E>> {
    let mut reader = Reader::from_reader(LineCounter::new(input));
    let mut parser = Parser {
        kind,
        file: file_name,
        stack: Stack::default(),
        root_seen: false,
        skip_from: None,
        rec: None,
        sub: None,
        capture: None,
        fields: Fields::default(),
        sub_fields: Fields::default(),
        pending: Vec::new(),
        counts: Counts::default(),
    };
    let mut buf = Vec::new();
    loop {
        let pos = reader.buffer_position();
        reader.get_mut().forget_before(pos);
        buf.clear();
        let event = match reader.read_event_into(&mut buf) {
            Ok(event) => event,
            Err(quick_xml::Error::Io(source)) => {
                return Err(ReadError::Io {
                    file: file_name.to_owned(),
                    source,
                });
            }
            Err(e) => {
                let line = reader.get_ref().line_at(reader.error_position().max(pos));
                return Err(parser.fail(line, parser.stack.path(), DmdErrorKind::Malformed(e)));
            }
        };
        let line = reader.get_ref().line_at(pos);
        match event {
            Event::Start(e) => parser.start(e.name().as_ref(), line)?,
            Event::Empty(e) => {
                parser.start(e.name().as_ref(), line)?;
                parser.end(&mut sink)?;
            }
            Event::End(_) => parser.end(&mut sink)?,
            Event::Text(t) => parser.text(&t.xml10_content()),
            Event::CData(t) => parser.text(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let ch = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    Ok(None) => match r.as_ref() {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "apos" => Some('\''),
                        "quot" => Some('"'),
                        _ => None,
                    },
                    Err(e) => {
                        return Err(parser.fail(
                            line,
                            parser.stack.path(),
                            DmdErrorKind::Malformed(e),
                        ));
                    }
                };
                match ch {
                    Some(c) => parser.text(c.encode_utf8(&mut [0; 4])),
                    None => {
                        return Err(parser.fail(
                            line,
                            parser.stack.path(),
                            DmdErrorKind::UnknownEntity(r.as_ref().to_owned()),
                        ));
                    }
                }
            }
            Event::Eof => {
                if parser.stack.len > 0 {
                    let open = parser.stack.get(parser.stack.len).to_owned();
                    return Err(parser.fail(
                        line,
                        parser.stack.path(),
                        DmdErrorKind::Truncated { open },
                    ));
                }
                if !parser.root_seen {
                    return Err(parser.fail(line, "-".to_owned(), DmdErrorKind::NoRoot));
                }
                return Ok(parser.counts);
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
}

impl Parser<'_> {
    fn fail<E>(&self, line: u32, mut element: String, kind: DmdErrorKind) -> ReadError<E> {
        // quick-xml accepts `<>`: an element with no name is still named.
        if element.is_empty() {
            element.push('-');
        }
        ReadError::Dmd(DmdError {
            file: self.file.to_owned(),
            line,
            element,
            kind,
        })
    }

    fn field_path(&self, rec: Rec, index: usize) -> String {
        format!("{}/{}", self.prefix(rec), rec.fields()[index])
    }

    fn prefix(&self, rec: Rec) -> String {
        match rec {
            Rec::Lookup => format!("{}/INFO", self.stack.get(2)),
            Rec::GtinData => "AMPP/GTINDATA".to_owned(),
            _ => self
                .stack
                .get(self.rec.as_ref().map_or(0, |o| o.depth))
                .to_owned(),
        }
    }

    fn start<E>(&mut self, name: &str, line: u32) -> Result<(), ReadError<E>> {
        self.stack.push(name);
        let depth = self.stack.len;
        if self.skip_from.is_some() {
            return Ok(());
        }
        if depth == 1 {
            if self.root_seen || name != self.kind.root() {
                return Err(self.fail(
                    line,
                    name.to_owned(),
                    DmdErrorKind::WrongRoot {
                        found: name.to_owned(),
                        expected: self.kind.root(),
                        kind: self.kind,
                    },
                ));
            }
            self.root_seen = true;
            return Ok(());
        }
        if let Some(c) = &self.capture {
            let rec = if c.sub {
                Rec::GtinData
            } else {
                self.rec.as_ref().map_or(Rec::Lookup, |o| o.rec)
            };
            return Err(self.fail(
                c.line,
                self.field_path(rec, c.index),
                DmdErrorKind::NotText(name.to_owned()),
            ));
        }
        let (rec, open_depth, sub) = if let Some(s) = &self.sub {
            (s.rec, s.depth, true)
        } else if let Some(r) = &self.rec {
            if r.rec == Rec::GtinAmpp && depth == r.depth + 1 && name == "GTINDATA" {
                self.sub_fields.clear();
                self.sub = Some(Open {
                    rec: Rec::GtinData,
                    depth,
                    line,
                });
                return Ok(());
            }
            (r.rec, r.depth, false)
        } else {
            let parent = self.stack.get(depth - 1);
            if let Some(rec) = Rec::classify(self.kind, depth, parent, name) {
                self.fields.clear();
                self.pending.clear();
                self.rec = Some(Open { rec, depth, line });
            } else if depth > 2 {
                self.skip_from = Some(depth);
            }
            return Ok(());
        };
        if depth != open_depth + 1 {
            self.skip_from = Some(depth);
            return Ok(());
        }
        let Some(index) = rec.fields().iter().position(|f| *f == name) else {
            self.skip_from = Some(depth);
            return Ok(());
        };
        let taken = if sub {
            self.sub_fields.slots[index].is_some()
        } else {
            self.fields.slots[index].is_some()
        };
        if taken {
            let element = self.field_path(rec, index);
            return Err(self.fail(line, element, DmdErrorKind::Duplicate));
        }
        let fields = if sub {
            &mut self.sub_fields
        } else {
            &mut self.fields
        };
        let start = fields.text.len();
        fields.slots[index] = Some(Slot {
            start,
            end: start,
            line,
        });
        self.capture = Some(Capture {
            index,
            depth,
            line,
            sub,
        });
        Ok(())
    }

    fn text(&mut self, text: &str) {
        if let Some(c) = &self.capture {
            let fields = if c.sub {
                &mut self.sub_fields
            } else {
                &mut self.fields
            };
            fields.text.push_str(text);
            if let Some(slot) = &mut fields.slots[c.index] {
                slot.end = fields.text.len();
            }
        }
    }

    fn end<E>(
        &mut self,
        sink: &mut impl FnMut(Record) -> Result<(), E>,
    ) -> Result<(), ReadError<E>> {
        let depth = self.stack.len;
        let result = self.close(depth, sink);
        self.stack.pop();
        result
    }

    fn close<E>(
        &mut self,
        depth: usize,
        sink: &mut impl FnMut(Record) -> Result<(), E>,
    ) -> Result<(), ReadError<E>> {
        if let Some(from) = self.skip_from {
            if from == depth {
                self.skip_from = None;
            }
            return Ok(());
        }
        if self.capture.as_ref().is_some_and(|c| c.depth == depth) {
            self.capture = None;
            return Ok(());
        }
        if let Some(sub) = self.sub.take_if(|s| s.depth == depth) {
            let view = View {
                file: self.file,
                rec: Rec::GtinData,
                prefix: "AMPP/GTINDATA",
                line: sub.line,
                fields: &self.sub_fields,
            };
            let gtin = view.gtin(0)?;
            let start = view.date(1)?;
            let end = view.opt_date(2)?;
            self.pending.push(PendingGtin { gtin, start, end });
            return Ok(());
        }
        let Some(open) = self.rec.take_if(|r| r.depth == depth) else {
            return Ok(());
        };
        // Only the small lookup file pays for a built prefix.
        let prefix: std::borrow::Cow<'_, str> = match open.rec {
            Rec::Lookup => format!("{}/INFO", self.stack.get(2)).into(),
            _ => self.stack.get(depth).into(),
        };
        let view = View {
            file: self.file,
            rec: open.rec,
            prefix: &prefix,
            line: open.line,
            fields: &self.fields,
        };
        if open.rec == Rec::GtinAmpp {
            let amppid = view.id(0)?;
            for p in self.pending.drain(..) {
                let record = Record::Gtin(GtinEntry {
                    amppid: amppid.clone(),
                    gtin: p.gtin,
                    start: p.start,
                    end: p.end,
                });
                self.counts.add(&record);
                sink(record).map_err(ReadError::Sink)?;
            }
            return Ok(());
        }
        let record = build(open.rec, &view, self.stack.get(2))?;
        self.counts.add(&record);
        sink(record).map_err(ReadError::Sink)
    }
}

/// The typed record from its values.
fn build(rec: Rec, v: &View<'_>, group: &str) -> Result<Record, DmdError> {
    Ok(match rec {
        Rec::Lookup => Record::Lookup(LookupEntry {
            table: group.to_owned(),
            code: v.text(0).map(|t| t.trim().to_owned())?,
            desc: v.text(1)?,
            prev_code: v
                .trimmed(2)
                .map(|(t, _)| t.to_owned())
                .filter(|t| !t.is_empty()),
            invalid: v.flag(3)?,
        }),
        Rec::Ing => Record::Ingredient(Ingredient {
            isid: v.id(0)?,
            isid_prev: v.opt_id(1)?,
            invalid: v.flag(2)?,
            name: v.text(3)?,
        }),
        Rec::Vtm => Record::Vtm(Vtm {
            vtmid: v.id(0)?,
            vtmid_prev: v.opt_id(1)?,
            invalid: v.flag(2)?,
            name: v.text(3)?,
        }),
        Rec::Vmp => Record::Vmp(Vmp {
            vpid: v.id(0)?,
            vpid_prev: v.opt_id(1)?,
            vtmid: v.opt_id(2)?,
            invalid: v.flag(3)?,
            name: v.text(4)?,
            df_ind: v.opt_code(5)?,
            udfs: v.opt_decimal(6)?,
            udfs_uom: v.opt_code(7)?,
            unit_dose_uom: v.opt_code(8)?,
            non_avail: v.opt_code(9)?,
            pres_stat: v.code(10)?,
        }),
        Rec::Vpi => Record::Vpi(Vpi {
            vpid: v.id(0)?,
            isid: v.id(1)?,
            basis_strength: v.opt_code(2)?,
            bs_subid: v.opt_id(3)?,
            numerator: v.opt_decimal(4)?,
            numerator_uom: v.opt_code(5)?,
            denominator: v.opt_decimal(6)?,
            denominator_uom: v.opt_code(7)?,
        }),
        Rec::Dform => Record::VmpForm(VmpForm {
            vpid: v.id(0)?,
            form: v.code(1)?,
        }),
        Rec::Droute => Record::VmpRoute(VmpRoute {
            vpid: v.id(0)?,
            route: v.code(1)?,
        }),
        Rec::Control => Record::ControlInfo(ControlInfo {
            vpid: v.id(0)?,
            category: v.code(1)?,
        }),
        Rec::Amp => Record::Amp(Amp {
            apid: v.id(0)?,
            vpid: v.id(1)?,
            invalid: v.flag(2)?,
            name: v.text(3)?,
            desc: v.text(4)?,
            supplier: v.code(5)?,
        }),
        Rec::ApIng => Record::ApIngredient(ApIngredient {
            apid: v.id(0)?,
            isid: v.id(1)?,
        }),
        Rec::LicRoute => Record::LicensedRoute(LicensedRoute {
            apid: v.id(0)?,
            route: v.code(1)?,
        }),
        Rec::Vmpp => Record::Vmpp(Vmpp {
            vppid: v.id(0)?,
            vpid: v.id(1)?,
            invalid: v.flag(2)?,
            name: v.text(3)?,
            qty: v.opt_decimal(4)?,
            qty_uom: v.opt_code(5)?,
        }),
        Rec::Ampp => Record::Ampp(Ampp {
            appid: v.id(0)?,
            vppid: v.id(1)?,
            apid: v.id(2)?,
            invalid: v.flag(3)?,
            name: v.text(4)?,
            legal_category: v.code(5)?,
            discontinued: v.opt_code(6)?,
        }),
        // Built in `close`, never here.
        Rec::GtinAmpp | Rec::GtinData => {
            return Err(v.err(0, v.line, DmdErrorKind::Missing("AMPPID")));
        }
    })
}
