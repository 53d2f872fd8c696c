#!/usr/bin/env python3
"""Writes crates/gs1/src/dict/table.rs, the embedded AI table, from a GS1 Barcode
Syntax Dictionary text file.

Usage: gen-table.py PATH/TO/gs1-syntax-dictionary.txt > crates/gs1/src/dict/table.rs &&
       rustfmt --edition 2024 crates/gs1/src/dict/table.rs

The output is the crate's own Rust form of the data; tests/dictionary.rs proves it
equal to the text file entry by entry, so a regenerated table that drifts fails CI.
"""
import re
import sys

LINTER_VARIANTS = {
    "csetnumeric": "CsetNumeric", "cset82": "Cset82", "cset39": "Cset39", "cset64": "Cset64",
    "csum": "Csum", "csumalpha": "CsumAlpha", "gcppos1": "GcpPos1", "gcppos2": "GcpPos2",
    "hasnondigit": "HasNonDigit", "nonzero": "NonZero", "zero": "Zero", "nozeroprefix": "NoZeroPrefix",
    "yymmdd": "Yymmdd", "yymmd0": "Yymmd0", "yyyymmdd": "Yyyymmdd", "yyyymmd0": "Yyyymmd0",
    "hhmi": "Hhmi", "hh": "Hh", "mi": "Mi", "ss": "Ss", "iso3166": "Iso3166", "iso3166999": "Iso3166999",
    "iso3166alpha2": "Iso3166Alpha2", "iso4217": "Iso4217", "iso5218": "Iso5218", "iban": "Iban",
    "importeridx": "ImporterIdx", "latitude": "Latitude", "longitude": "Longitude",
    "mediatype": "MediaType", "packagetype": "PackageType", "pcenc": "PcEnc",
    "pieceoftotal": "PieceOfTotal", "posinseqslash": "PosInSeqSlash", "winding": "Winding",
    "yesno": "YesNo", "hyphen": "Hyphen", "couponcode": "CouponCode", "couponposoffer": "CouponPosOffer",
    "key": "Key", "keyoff1": "KeyOff1", "hhmm": "Hhmm", "iso3166list": "Iso3166List",
    "mmoptss": "MmOptSs", "yymmddhh": "Yymmddhh",
}


def component(tok):
    opt = tok.startswith("[")
    if opt:
        inner, after = tok[1:].split("]", 1)
        parts = inner.split(",") + [x for x in after.split(",") if x]
    else:
        parts = tok.split(",")
    spec, linters = parts[0], parts[1:]
    cs, ln = spec[0], spec[1:]
    if ".." in ln:
        lo, hi = ln.split("..")
        lo = int(lo) if lo else 1
        hi = int(hi)
    else:
        lo = hi = int(ln)
    lint = ", ".join(LINTER_VARIANTS[l] for l in linters)
    return f"c({cs}, {lo}, {hi}, {'true' if opt else 'false'}, &[{lint}])"


def pats(lst):
    return ", ".join(f'p(b"{x}")' for x in lst)


HEADER = """
use alloc::borrow::Cow;

use super::Charset::{N, X, Y, Z};
use super::{Component, DlKey, Entry, Exclusion, Group, Pattern, Requisite};
use crate::Ai;
#[allow(clippy::enum_glob_use)]
use crate::lint::Linter::{self, *};

// Const constructors keep the table to one line per entry. A malformed literal
// here is a compile error, never a run-time panic.
#[allow(clippy::panic)]
const fn a(s: &[u8]) -> Ai {
    match Ai::new(s) {
        Some(ai) => ai,
        None => panic!("bad AI literal in table"),
    }
}
#[allow(clippy::panic)]
const fn p(s: &[u8]) -> Pattern {
    match Pattern::new(s) {
        Some(p) => p,
        None => panic!("bad pattern literal in table"),
    }
}
const fn c(charset: super::Charset, min: u8, max: u8, optional: bool, linters: &'static [Linter]) -> Component {
    Component { charset, min, max, optional, linters: Cow::Borrowed(linters) }
}
const fn g(patterns: &'static [Pattern]) -> Group {
    Cow::Borrowed(patterns)
}
const fn r(groups: &'static [Group]) -> Requisite {
    Requisite { groups: Cow::Borrowed(groups) }
}
const fn x(patterns: &'static [Pattern]) -> Exclusion {
    Exclusion { patterns: Cow::Borrowed(patterns) }
}
const fn q(qualifiers: &'static [Ai]) -> Cow<'static, [Ai]> {
    Cow::Borrowed(qualifiers)
}
const fn k(alternatives: &'static [Cow<'static, [Ai]>]) -> DlKey {
    DlKey { alternatives: Cow::Borrowed(alternatives) }
}
#[allow(clippy::too_many_arguments)]
const fn e(
    first: Ai,
    last: Ai,
    fnc1: bool,
    dl_attr: bool,
    components: &'static [Component],
    requisites: &'static [Requisite],
    exclusions: &'static [Exclusion],
    dl_key: Option<DlKey>,
    title: &'static str,
) -> Entry {
    Entry {
        first,
        last,
        fnc1,
        dl_attr,
        components: Cow::Borrowed(components),
        requisites: Cow::Borrowed(requisites),
        exclusions: Cow::Borrowed(exclusions),
        dl_key,
        title: Cow::Borrowed(title),
    }
}
"""


def main():
    statics = []
    out = []
    for raw in open(sys.argv[1], encoding="utf-8"):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        n = len(out)
        spec, _, title = line.partition("#")
        title = title.strip()
        toks = spec.split()
        ais = toks.pop(0)
        first, _, last = ais.partition("-")
        last = last or first
        flags = ""
        if toks and all(ch in "*!?\"$%&'()+,-./:;<=>@[\\]^_`{|}~" for ch in toks[0]):
            flags = toks.pop(0)
        comps = []
        while toks and toks[0][0] in "NXYZ[":
            comps.append(component(toks.pop(0)))
        reqs, exs, alts = [], [], None
        for t in toks:
            if t.startswith("req="):
                name = f"R{n}_{len(reqs)}"
                groups = [f"g(&[{pats(g.split('+'))}])" for g in t[4:].split(",")]
                statics.append(f"static {name}: [Group; {len(groups)}] = [{', '.join(groups)}];")
                reqs.append(f"r(&{name})")
            elif t.startswith("ex="):
                exs.append(f"x(&[{pats(t[3:].split(','))}])")
            elif t == "dlpkey":
                alts = ["q(&[])"]
            elif t.startswith("dlpkey="):
                alts = ["q(&[" + ", ".join(f'a(b"{q}")' for q in alt.split(",")) + "])"
                        for alt in t[7:].split("|")]

        def named(prefix, items, ty):
            if not items:
                return "&[]"
            name = f"{prefix}{n}"
            statics.append(f"static {name}: [{ty}; {len(items)}] = [{', '.join(items)}];")
            return f"&{name}"

        comps_ref = named("C", comps, "Component")
        reqs_ref = named("RS", reqs, "Requisite")
        exs_ref = named("X", exs, "Exclusion")
        if alts is None:
            dl = "None"
        else:
            statics.append(f"static K{n}: [Cow<'static, [Ai]>; {len(alts)}] = [{', '.join(alts)}];")
            dl = f"Some(k(&K{n}))"
        fnc1 = "false" if "*" in flags else "true"
        attr = "true" if "?" in flags else "false"
        title_lit = title.replace("\\", "\\\\").replace('"', '\\"')
        out.append(
            f'    e(a(b"{first}"), a(b"{last}"), {fnc1}, {attr}, {comps_ref}, {reqs_ref}, {exs_ref}, {dl}, "{title_lit}"),'
        )
    print("//! The embedded GS1 AI table, release 2026-01-27, in this crate's own form.")
    print("//!")
    print("//! Written by `tools/gen-table.py`; `tests/dictionary.rs` proves it equal to the")
    print("//! published GS1 Barcode Syntax Dictionary text, entry by entry.")
    print(HEADER)
    print("// One entry per line keeps diffs between GS1 releases readable. Arrays of")
    print("// values with destructors (Cow) cannot be const-promoted, so they are named.")
    print("#[rustfmt::skip]")
    print(f"pub(super) static ENTRIES: [Entry; {len(out)}] = [")
    print("\n".join(out))
    print("];")
    print()
    print("#[rustfmt::skip]")
    print("mod parts {")
    print("    use super::*;")
    for st in statics:
        print("    pub(super) " + st)
    print("}")
    print("use parts::*;")


if __name__ == "__main__":
    main()
