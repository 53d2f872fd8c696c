//! Rendering a message in every form GS1 data travels in.

use alloc::string::String;
use alloc::vec::Vec;

use crate::Ai;
use crate::dict::Dictionary;
use crate::error::{Error, ErrorKind};
use crate::message::{Kind, Message, Slot};
use crate::parse::{GS, Symbology, dl::escape};

/// The canonical Digital Link stem.
pub const CANONICAL_DL_STEM: &str = "https://id.gs1.org";

impl Message<'_> {
    fn values(&self) -> impl Iterator<Item = (usize, &Slot)> + '_ {
        self.slots
            .as_slice()
            .iter()
            .enumerate()
            .filter(|(_, s)| s.kind == Kind::Value && s.ai.is_some())
    }

    fn write_fnc1_form(&self, sep: u8, leading: bool) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.buf.len() + 8);
        let mut need_sep = leading;
        for (i, s) in self.values() {
            if Some(i as u8) == self.composite_at {
                out.push(b'|');
                need_sep = leading;
            }
            if need_sep {
                out.push(sep);
            }
            if let Some(ai) = s.ai {
                out.extend_from_slice(ai.as_bytes());
            }
            out.extend_from_slice(self.value_of(s));
            need_sep = s.fnc1;
        }
        out
    }

    /// The canonical bracketed form, `(01)09506000134352(10)AB1`, with `(` in
    /// values escaped as `\(` and `|` before a composite component.
    ///
    /// ```
    /// let m = bedside_gs1::parse_scan(b"]d201095060001343521012(3").unwrap().into_message().unwrap();
    /// assert_eq!(m.to_bracketed(), "(01)09506000134352(10)12\\(3");
    /// ```
    pub fn to_bracketed(&self) -> String {
        let mut out = String::with_capacity(self.buf.len() + 16);
        for (i, s) in self.values() {
            if Some(i as u8) == self.composite_at {
                out.push('|');
            }
            if let Some(ai) = s.ai {
                out.push('(');
                out.push_str(ai.as_str());
                out.push(')');
            }
            // Values are ASCII (a GS1 character set); copy the runs between
            // `(` whole, and fall back to byte-wise Latin-1 if ever they are not.
            let value = self.value_of(s);
            match core::str::from_utf8(value) {
                Ok(text) => {
                    let mut rest = text;
                    while let Some(at) = rest.find('(') {
                        out.push_str(&rest[..at]);
                        out.push_str("\\(");
                        rest = &rest[at + 1..];
                    }
                    out.push_str(rest);
                }
                Err(_) => {
                    for &b in value {
                        if b == b'(' {
                            out.push('\\');
                        }
                        out.push(char::from(b));
                    }
                }
            }
        }
        out
    }

    /// The unbracketed barcode message, `^` for FNC1: first, and after each value
    /// that needs a separator when another AI follows.
    ///
    /// ```
    /// let m = bedside_gs1::parse_bracketed("(10)AB1(01)09506000134352").unwrap();
    /// assert_eq!(m.to_unbracketed(), "^10AB1^0109506000134352");
    /// ```
    pub fn to_unbracketed(&self) -> String {
        self.write_fnc1_form(b'^', true)
            .into_iter()
            .map(char::from)
            .collect()
    }

    /// The element string as a reader transmits it: no leading FNC1, GS (0x1D)
    /// as separator, no trailing separator. For a composite message the two
    /// components are joined by `|`, as in the `^` form; readers transmit them
    /// separately, so [`crate::Parser::element_string`] does not accept `|`.
    ///
    /// ```
    /// let m = bedside_gs1::parse_bracketed("(10)AB1(01)09506000134352").unwrap();
    /// assert_eq!(m.to_element_string(), b"10AB1\x1d0109506000134352");
    /// ```
    pub fn to_element_string(&self) -> Vec<u8> {
        self.write_fnc1_form(GS, false)
    }

    /// Scan data for a GS1 symbology: its AIM identifier and the element string.
    /// `None` for symbologies that cannot carry an AI element string alone
    /// (EAN/UPC) and for a composite message: a composite's two components
    /// travel in two symbols, and silently dropping one (as the reference
    /// engine does for Data Matrix) would lose data.
    ///
    /// ```
    /// use bedside_gs1::Symbology;
    /// let m = bedside_gs1::parse_bracketed("(01)09506000134352(10)AB1").unwrap();
    /// assert_eq!(m.to_scan_data(Symbology::DataMatrix).unwrap(), b"]d2010950600013435210AB1");
    /// ```
    pub fn to_scan_data(&self, symbology: Symbology) -> Option<Vec<u8>> {
        let aim = symbology.gs1_aim()?;
        if self.composite_at.is_some() {
            return None;
        }
        let mut out = Vec::with_capacity(self.buf.len() + 8);
        out.extend_from_slice(aim.as_bytes());
        out.extend_from_slice(&self.to_element_string());
        Some(out)
    }

    /// Human-readable interpretation lines, `(01) 09506000134352`; with a
    /// dictionary, each line starts with the AI's data title, `GTIN (01) …`.
    ///
    /// ```
    /// use bedside_gs1::dict::Dictionary;
    /// let m = bedside_gs1::parse_bracketed("(01)09506000134352(10)AB1").unwrap();
    /// assert_eq!(m.hri(None), ["(01) 09506000134352", "(10) AB1"]);
    /// assert_eq!(m.hri(Some(Dictionary::embedded()))[1], "BATCH/LOT (10) AB1");
    /// ```
    pub fn hri(&self, titles: Option<&Dictionary>) -> Vec<String> {
        self.iter()
            .map(|e| {
                let title = titles
                    .and_then(|d| e.entry(d))
                    .map_or("", |entry| entry.title());
                let mut line = String::with_capacity(title.len() + 8 + e.value().len());
                if !title.is_empty() {
                    line.push_str(title);
                    line.push(' ');
                }
                line.push('(');
                line.push_str(e.ai().as_str());
                line.push_str(") ");
                line.push_str(e.value());
                line
            })
            .collect()
    }

    /// A GS1 Digital Link URI for the message, under `stem` (default
    /// `https://id.gs1.org`). The first AI that is a primary key goes in the path
    /// with as many qualifiers as the data allows; other AIs become query
    /// attributes (fixed-length first), and an AI that may not be an attribute
    /// is an error. A message parsed from a URI keeps its path.
    ///
    /// ```
    /// use bedside_gs1::dict::Dictionary;
    /// let m = bedside_gs1::parse_bracketed("(01)09506000134352(17)261231(10)AB1(21)S1").unwrap();
    /// assert_eq!(
    ///     m.to_digital_link(Dictionary::embedded(), None).unwrap(),
    ///     "https://id.gs1.org/01/09506000134352/10/AB1/21/S1?17=261231"
    /// );
    /// ```
    pub fn to_digital_link(&self, dict: &Dictionary, stem: Option<&str>) -> Result<String, Error> {
        let slots = self.slots.as_slice();
        let mut path: Vec<usize> = Vec::new();
        if self.dl_path > 0 {
            path.extend(0..usize::from(self.dl_path));
        } else {
            let Some((key_index, key_ai)) = self.values().find_map(|(i, s)| {
                s.ai.filter(|ai| dict.is_dl_primary_key(*ai))
                    .map(|ai| (i, ai))
            }) else {
                return Err(Error::new(ErrorKind::DlNoPrimaryKey, None, 0, 0));
            };
            path.push(key_index);
            // The longest qualifier sequence present; ties go to the first in
            // lexical order of the sequences, as the reference engine picks.
            let mut best: Vec<Ai> = Vec::new();
            let mut best_text = String::new();
            if let Some(key) = dict.entry(key_ai).and_then(|e| e.dl_primary_key()) {
                for alt in key.alternatives() {
                    let n = alt.len();
                    for mask in 1u32..(1u32 << n.min(16)) {
                        let seq: Vec<Ai> = (0..n)
                            .filter(|b| mask & (1 << b) != 0)
                            .filter_map(|b| alt.get(b).copied())
                            .collect();
                        if !seq.iter().all(|q| self.get(*q).is_some()) {
                            continue;
                        }
                        let text: String = seq.iter().map(|a| alloc::format!(" {a}")).collect();
                        if seq.len() > best.len() || (seq.len() == best.len() && text < best_text) {
                            best = seq;
                            best_text = text;
                        }
                    }
                }
            }
            for q in best {
                if let Some((i, _)) = self.values().find(|(_, s)| s.ai == Some(q)) {
                    path.push(i);
                }
            }
        }

        let mut out = String::from(stem.unwrap_or(CANONICAL_DL_STEM));
        if out.ends_with('/') {
            out.pop();
        }
        for &i in &path {
            let s = &slots[i];
            out.push('/');
            if let Some(ai) = s.ai {
                out.push_str(ai.as_str());
            }
            out.push('/');
            escape(self.value_of(s), false, &mut out);
        }
        let mut first = true;
        let mut emitted: Vec<Ai> = path.iter().filter_map(|&i| slots[i].ai).collect();
        for fixed_pass in [true, false] {
            for (i, s) in self.values() {
                let Some(ai) = s.ai else { continue };
                if path.contains(&i) || s.fnc1 == fixed_pass || emitted.contains(&ai) {
                    continue;
                }
                if !s.dl_attr {
                    return Err(Error::new(
                        ErrorKind::DlNotAttribute,
                        Some(ai),
                        usize::from(s.src),
                        0,
                    ));
                }
                out.push(if first { '?' } else { '&' });
                first = false;
                out.push_str(ai.as_str());
                out.push('=');
                escape(self.value_of(s), true, &mut out);
                emitted.push(ai);
            }
        }
        Ok(out)
    }
}
