#!/usr/bin/env python3
r"""Deterministic generator of GS1 syntax test inputs for Bedside's `gs1` crate.

Writes:
  * a case list (JSON lines: mode, input, tag) that classify.py joins with the
    reference engine's verdicts to produce engine-verdicts.jsonl;
  * the same cases as escaped TSV ("mode<TAB>input", escapes \\ \t \n \r \xHH)
    for a batch driver around the reference engine;
  * benchmark inputs (valid scan data, one per line, real GS bytes) under
    crates/gs1/benches/inputs/ when --bench-dir is given.

All data is fictional: GS1 Company Prefix 9520000 (GS1 prefix 952 is reserved
for examples), NHS numbers from the 999 test range, made-up names.

Usage:
  python3 generate.py --dict PATH/gs1-syntax-dictionary.txt \
      --cases /tmp/cases.jsonl --tsv /tmp/cases.tsv \
      [--bench-dir crates/gs1/benches/inputs]

The output depends only on the seed and the dictionary file.
"""

import argparse
import json
import os
import random
import re
import sys
import urllib.parse

SEED = 20260127
GCP = "9520000"
GS = "\x1d"

# --------------------------------------------------------------------------
# Syntax Dictionary
# --------------------------------------------------------------------------


class Comp:
    def __init__(self, ctype, lo, hi, opt, linters):
        self.ctype, self.lo, self.hi, self.opt, self.linters = ctype, lo, hi, opt, linters

    def __repr__(self):
        return f"{'[' if self.opt else ''}{self.ctype}{self.lo}..{self.hi}{']' if self.opt else ''}{self.linters}"


class Entry:
    def __init__(self, ai, flags, comps, req, ex, dlpkey, title):
        self.ai, self.flags, self.comps = ai, flags, comps
        self.req, self.ex, self.dlpkey, self.title = req, ex, dlpkey, title

    @property
    def fixed(self):  # predefined length: no FNC1 needed after it
        return "*" in self.flags

    @property
    def dlattr(self):
        return "?" in self.flags

    @property
    def minlen(self):
        return sum(c.lo for c in self.comps if not c.opt)

    @property
    def maxlen(self):
        return sum(c.hi for c in self.comps)

    @property
    def linters(self):
        return [l for c in self.comps for l in c.linters]


def parse_dictionary(path):
    table = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            body, _, title = line.partition("#")
            toks = body.split()
            rng = toks.pop(0)
            flags = ""
            if toks and not re.match(r"^\[?[NXYZ]", toks[0]):
                flags = toks.pop(0)
            comps, req, ex, dlpkey = [], [], [], None
            for t in toks:
                if t.startswith("req="):
                    req.append([g.split("+") for g in t[4:].split(",")])
                elif t.startswith("ex="):
                    ex.extend(t[3:].split(","))
                elif t == "dlpkey":
                    dlpkey = [[]]
                elif t.startswith("dlpkey="):
                    dlpkey = [s.split(",") for s in t[7:].split("|")]
                else:
                    m = re.match(r"^(\[?)([NXYZ])(\.\.)?(\d+)(\]?)(.*)$", t)
                    if not m:
                        raise ValueError(f"bad component {t!r} in {line!r}")
                    n = int(m.group(4))
                    lo = 1 if m.group(3) else n
                    linters = [l for l in m.group(6).split(",") if l]
                    comps.append(Comp(m.group(2), lo, n, bool(m.group(1)), linters))
            if "-" in rng:
                a, b = rng.split("-")
                ais = [a[:-1] + str(d) for d in range(int(a[-1]), int(b[-1]) + 1)]
            else:
                ais = [rng]
            for ai in ais:
                table[ai] = Entry(ai, flags, comps, req, ex, dlpkey, title.strip())
    return table


def release_of(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.search(r"Release:\s*(\S+)", line)
            if m:
                return m.group(1)
    return "unknown"


# --------------------------------------------------------------------------
# Value helpers
# --------------------------------------------------------------------------

R = random.Random(SEED)

CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
CSET39 = "#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
CSET64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
CSET32 = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
ALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
ISO3166 = ["826", "250", "276", "372", "840", "756", "380", "724", "528", "056", "616", "208"]
ISO3166A2 = ["GB", "FR", "DE", "IE", "US", "CH", "IT", "ES", "NL", "BE", "PL", "DK"]
ISO4217 = ["826", "978", "840", "756"]
PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83,
          89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173, 179]

FAMILY = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Patel", "Khan",
          "Nowak", "Ng", "O%27Brien", "M%C3%BCller", "Garc%C3%ADa", "Smith-Jones", "Mac%20Donald",
          "Okafor", "Kowalski", "Ahmed", "Chen", "L%C3%B3pez", "Begum", "Da%20Silva", "Murphy"]
GIVEN = ["John", "Fatima", "Olivia", "Amelia", "Mohammed", "Oliver", "Zo%C3%AB", "Ren%C3%A9e",
         "Jos%C3%A9", "Aisha", "Harry", "Isla", "Mar%C3%ADa", "Wei", "Anna-Marie", "Siobh%C3%A1n"]
SUFFIX = ["Jr", "Sr", "III", "II"]
ODS = ["RX1", "RTH", "R1H", "RJ1", "RRK", "RYJ"]


def digits(n):
    return "".join(R.choice("0123456789") for _ in range(n))


def csum(body):
    s = 0
    for i, c in enumerate(reversed(body)):
        s += int(c) * (3 if i % 2 == 0 else 1)
    return str((10 - s % 10) % 10)


def wrong_cd(body):
    good = csum(body)
    return R.choice([d for d in "0123456789" if d != good])


def csumalpha(body):
    s = 0
    n = len(body)
    for pos, ch in enumerate(body):
        s += CSET82.index(ch) * PRIMES[n - 1 - pos]
    s %= 1021
    return CSET32[s >> 5] + CSET32[s & 31]


def nhs_number(valid=True):
    """A 999-range test NHS number (modulus 11); valid=False gives a bad check digit."""
    while True:
        body = "999" + digits(6)
        total = sum(int(d) * w for d, w in zip(body, range(10, 1, -1)))
        cd = 11 - total % 11
        if cd == 11:
            cd = 0
        if cd == 10:
            continue
        if valid:
            return body + str(cd)
        return body + str((cd + R.randint(1, 9)) % 10)


def gtin14(indicator="0"):
    body = indicator + GCP + digits(5)
    return body + csum(body)


def gln():
    body = GCP + digits(5)
    return body + csum(body)


def gsrn(nhs=None):
    body = GCP + (nhs or nhs_number())
    return body + csum(body)


def sscc():
    body = "0" + GCP + digits(9)
    return body + csum(body)


def is_leap(y):
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


MDAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def ymd(y, allow0=False):
    m = R.randint(1, 12)
    dmax = 29 if (m == 2 and is_leap(y)) else MDAYS[m - 1]
    d = R.randint(0 if allow0 else 1, dmax)
    return f"{m:02d}{d:02d}"


def yymmdd(allow0=False, lo=2024, hi=2031):
    y = R.randint(lo, hi)
    return f"{y % 100:02d}" + ymd(y, allow0)


def yyyymmdd(lo=1930, hi=2025):
    y = R.randint(lo, hi)
    return f"{y:04d}" + ymd(y)


def hhmi():
    return f"{R.randint(0, 23):02d}{R.randint(0, 59):02d}"


def xstr(lo, hi, alphabet=ALNUM):
    return "".join(R.choice(alphabet) for _ in range(R.randint(lo, hi)))


def batch():
    return R.choice(["", "B", "LOT"]) + xstr(3, 10)


def serial():
    return xstr(6, 20, ALNUM + "abcdefghjkmnpqrstuvwxyz")


def pc_trim(s, n):
    """Trim a percent-encoded string to at most n chars without splitting %hh."""
    while len(s) > n:
        s = s[:-1]
        if len(s) >= 1 and s[-1] == "%":
            s = s[:-1]
        elif len(s) >= 2 and s[-2] == "%":
            s = s[:-2]
    return s


# Generic valid value per dictionary component --------------------------------


def gen_component(ai, comp, idx, prev):
    L = comp.linters
    n = comp.hi if comp.lo == comp.hi else R.randint(comp.lo, min(comp.hi, max(comp.lo, 12)))
    if "csum" in L:
        if "gcppos2" in L:
            body = R.choice("0123456789"[:9]) + GCP + digits(n - 1 - 1 - len(GCP))
        elif "zero" in prev:
            body = GCP + digits(n - 1 - len(GCP))
        else:
            body = GCP + digits(n - 1 - len(GCP))
        if ai in ("00",):
            body = "0" + GCP + digits(n - 2 - len(GCP))
        return body + csum(body)
    if "csumalpha" in L:
        body = GCP + xstr(max(1, n - 2 - len(GCP)), max(1, n - 2 - len(GCP)), "ABCDEFGHJK0123456789")
        if "hasnondigit" in L and body.isdigit():
            body = body[:-1] + "A"
        return body + csumalpha(body)
    if "gcppos1" in L:
        return (GCP + xstr(1, max(1, n - len(GCP)), "0123456789" if comp.ctype == "N" else ALNUM))[:comp.hi]
    if "zero" in L:
        return "0"
    if "yymmd0" in L:
        return yymmdd(allow0=R.random() < 0.2)
    if "yymmdd" in L:
        return yymmdd()
    if "yyyymmdd" in L:
        return yyyymmdd()
    if "hhmi" in L:
        return hhmi()
    if "hh" in L:
        return f"{R.randint(0, 23):02d}"
    if "mi" in L or "ss" in L:
        return f"{R.randint(0, 59):02d}"
    if "iso3166999" in L:
        return R.choice(ISO3166 + ["999"])
    if "iso3166" in L:
        return R.choice(ISO3166)
    if "iso3166alpha2" in L:
        return R.choice(ISO3166A2)
    if "iso4217" in L:
        return R.choice(ISO4217)
    if "iso5218" in L:
        return R.choice("0129")
    if "mediatype" in L:
        return R.choice(["01", "02", "05", "10", "80", "99"])
    if "packagetype" in L:
        return R.choice(["BX", "CT", "PX", "1A", "200"])
    if "iban" in L:
        return R.choice(["GB82WEST12345698765432", "DE89370400440532013000", "GB33BUKB20201555555555"])
    if "importeridx" in L:
        return R.choice("AZaz09-_")
    if "latitude" in L:
        return f"{R.randint(0, 1800000000):010d}"
    if "longitude" in L:
        return f"{R.randint(0, 3600000000):010d}"
    if "nonzero" in L:
        return "".join(R.choice("123456789") for _ in range(n))
    if "winding" in L:
        return R.choice("019")
    if "nozeroprefix" in L:
        return R.choice("123456789") + digits(n - 1)
    if "pieceoftotal" in L:
        return R.choice(["0102", "0202", "0110", "0909"])
    if "pcenc" in L:
        v = R.choice(FAMILY + GIVEN)
        return pc_trim(v, comp.hi)
    if "posinseqslash" in L:
        return R.choice(["1/2", "2/2", "1/3", "3/3", "2/4"])
    if "yesno" in L:
        return R.choice("01")
    if "hyphen" in L:
        return "-"
    if "couponcode" in L:
        return R.choice(["012345612345611110123", "012345612345611110123101101230123456"])
    if "couponposoffer" in L:
        return R.choice(["001234561234560123456", "101234561234560123456"])
    if comp.ctype == "N":
        return digits(n)
    if comp.ctype == "Y":
        return xstr(n, n, CSET39)
    if comp.ctype == "Z":
        return xstr(n, n, CSET64)
    return xstr(n, n, ALNUM + "abcdefghjkmnpqrstuvwxyz-./")


def gen_value(e, ai=None):
    parts = []
    for i, c in enumerate(e.comps):
        if c.opt and R.random() < 0.5:
            break
        parts.append(gen_component(e.ai, c, i, e.comps[i - 1].linters if i else []))
    return "".join(parts)


# Domain-specific values ----------------------------------------------------

def val(ai):
    """A realistic valid value for a hospital-relevant AI, else a generic one."""
    if ai in ("01", "02", "03"):
        return gtin14(R.choice("00001234"))
    if ai == "00":
        return sscc()
    if ai in ("8017", "8018"):
        return gsrn()
    if ai in ("410", "411", "412", "413", "414", "415", "416", "417"):
        return gln()
    if ai == "8019":
        return str(R.randint(1, 99999))
    if ai in ("10",):
        return batch()
    if ai in ("21", "250"):
        return serial()
    if ai == "17":
        return yymmdd(allow0=R.random() < 0.15, lo=2026, hi=2030)
    if ai == "7250":
        return yyyymmdd()
    if ai == "7251":
        return yyyymmdd(lo=2024, hi=2026) + hhmi()
    if ai == "7253":
        return R.choice(FAMILY)
    if ai in ("7254",):
        return R.choice(GIVEN)
    if ai == "7255":
        return R.choice(SUFFIX)
    if ai == "7256":
        return R.choice(GIVEN) + "%20" + R.choice(FAMILY)
    if ai == "7259":
        return R.choice(["Baby%20of%20", "Twin%201%20of%20", "BabyOf"]) + R.choice(FAMILY)
    if ai == "254":
        return R.choice(["WARD", "BAY", "BED", "THEATRE", "STORE"]) + str(R.randint(1, 40)) + R.choice(["", "-A", "-B", "/3"])
    if ai == "91":
        return R.choice(ODS) + R.choice(["K", "M", "RX"]) + digits(7)
    if ai == "92":
        return R.choice(["1/1", "1/2", "2/2"]) + R.choice(FAMILY).replace("%", "")[:20]
    if ai == "93":
        return (R.choice(FAMILY) + "/" + R.choice(GIVEN) + "/" + yyyymmdd())[:90]
    return gen_value(TABLE[ai])


# --------------------------------------------------------------------------
# Message rules (for building valid messages)
# --------------------------------------------------------------------------

def pat_match(pat, ai):
    if len(pat) != len(ai):
        return False
    return all(p == "n" or p == a for p, a in zip(pat, ai))


def pat_inst(pat):
    return pat.replace("n", "0")


def excluded(ais):
    for a in ais:
        for pat in TABLE[a].ex:
            for b in ais:
                if b != a and pat_match(pat, b):
                    return True
    return False


def close_requisites(ais):
    """Add AIs to satisfy every req= attribute; returns None if stuck."""
    ais = list(ais)
    for _ in range(12):
        changed = False
        for a in list(ais):
            for groups in TABLE[a].req:
                if any(all(any(pat_match(p, b) for b in ais) for p in g) for g in groups):
                    continue
                for g in groups:
                    cand = ais + [pat_inst(p) for p in g if not any(pat_match(p, b) for b in ais)]
                    if all(c in TABLE for c in cand) and not excluded(cand):
                        ais = cand
                        changed = True
                        break
                else:
                    return None
        if not changed:
            return ais
    return None


# --------------------------------------------------------------------------
# Renderers
# --------------------------------------------------------------------------

def bracketed(pairs):
    return "".join(f"({a}){v.replace('(', chr(92) + '(')}" for a, v in pairs)


def element_string(pairs, sep):
    out = ""
    for i, (a, v) in enumerate(pairs):
        out += a + v
        e = TABLE.get(a)
        if i < len(pairs) - 1 and not (e and e.fixed):
            out += sep
    return out


def unbracketed(pairs):
    return "^" + element_string(pairs, "^")


def scan(pairs, aim="]d2"):
    return aim + element_string(pairs, GS)


DL_SAFE = "-._~"


def dlenc(v):
    return urllib.parse.quote(v, safe=DL_SAFE)


def dl(pairs, stem="https://id.gs1.org", shuffle_query=False):
    """Render as a GS1 DL URI; returns None when the AI set cannot be a DL."""
    d = dict(pairs)
    if len(d) != len(pairs):
        return None
    keys = [a for a, _ in pairs if TABLE[a].dlpkey is not None]
    if len(keys) != 1:
        return None
    key = keys[0]
    quals = []
    for seq in TABLE[key].dlpkey:
        q = [x for x in seq if x in d]
        if len(q) > len(quals):
            quals = q
    path_ais = [key] + quals
    rest = [(a, v) for a, v in pairs if a not in path_ais]
    if any(not TABLE[a].dlattr for a, _ in rest):
        return None
    # qualifiers from another alternative sequence can't go in the query
    for seq in TABLE[key].dlpkey:
        for x in seq:
            if x in d and x not in path_ais:
                return None
    if shuffle_query:
        R.shuffle(rest)
    uri = stem + "".join(f"/{a}/{dlenc(d[a])}" for a in path_ais)
    if rest:
        uri += "?" + "&".join(f"{a}={dlenc(v)}" for a, v in rest)
    return uri


# --------------------------------------------------------------------------
# Case collection
# --------------------------------------------------------------------------

CASES = []
SEEN = set()


def add(mode, inp, tag):
    if inp is None:
        return
    k = (mode, inp)
    if k in SEEN:
        return
    SEEN.add(k)
    CASES.append({"mode": mode, "input": inp, "tag": tag})


def add_all_modes(pairs, tag, modes=("bracketed", "unbracketed", "scan", "dl"), aim="]d2"):
    for m in modes:
        if m == "bracketed":
            add(m, bracketed(pairs), tag)
        elif m == "unbracketed":
            add(m, unbracketed(pairs), tag)
        elif m == "scan":
            add(m, scan(pairs, aim), tag)
        elif m == "dl":
            add(m, dl(pairs), tag)


def add_some_mode(pairs, tag, weights=(3, 2, 4, 1)):
    m = R.choices(["bracketed", "unbracketed", "scan", "dl"], weights=weights)[0]
    if m == "dl" and dl(pairs) is None:
        m = "scan"
    add_all_modes(pairs, tag, (m,))


# Healthcare message builders -------------------------------------------------

def wristband(rich=True):
    nhs = nhs_number()
    p = [("8018", gsrn(nhs))]
    if R.random() < 0.5:
        p.append(("8019", str(R.randint(1, 9))))
    if rich:
        if R.random() < 0.8:
            p.append(("7250", yyyymmdd()))
        if R.random() < 0.6:
            p.append(("7252", R.choice("0129")))
        if R.random() < 0.3:
            p.append(("7256", pc_trim(R.choice(GIVEN) + "%20" + R.choice(FAMILY).upper(), 90)))
        else:
            p.append(("7253", R.choice(FAMILY).upper() if R.random() < 0.5 else R.choice(FAMILY)))
            p.append(("7254", R.choice(GIVEN)))
        if R.random() < 0.4:
            p.append(("91", val("91")))
        if R.random() < 0.2:
            p.append(("7241", R.choice(["01", "02", "03"])))
    return p


def neonate_band():
    p = [("8018", gsrn())]
    if R.random() < 0.5:
        p.append(("8019", str(R.randint(1, 9))))
    p.append(("7251", yyyymmdd(lo=2025, hi=2026) + hhmi()))
    p.append(("7252", R.choice("129")))
    p.append(("7259", val("7259")))
    if R.random() < 0.6:
        p.append(("7258", R.choice(["1/2", "2/2", "1/3", "2/3", "3/3"])))
    return p


def staff_badge():
    p = [("8017", gsrn(nhs_number() if R.random() < 0.3 else digits(10)))]
    if R.random() < 0.4:
        p.append(("8019", str(R.randint(1, 999))))
    if R.random() < 0.7:
        p.append(("7253", R.choice(FAMILY)))
        p.append(("7254", R.choice(GIVEN)))
    elif R.random() < 0.5:
        p.append(("7256", R.choice(GIVEN) + "%20" + R.choice(FAMILY)))
    if R.random() < 0.3:
        p.append(("7241", R.choice(["01", "04", "05", "10"])))
    if R.random() < 0.2:
        p.append(("7242", xstr(6, 12)))
    return p


def location():
    p = [("414", gln())]
    if R.random() < 0.85:
        p.append(("254", val("254")))
    return p


def medicine():
    p = [("01", gtin14(R.choice("0000345")))]
    order = ["17", "10", "21"]
    if R.random() < 0.3:
        R.shuffle(order)
    for a in order:
        p.append((a, val(a)))
    if R.random() < 0.15:
        p.append((R.choice(["710", "711", "712", "713", "714", "715", "716", "717"]), xstr(7, 12, "0123456789")))
    if R.random() < 0.1:
        p.append(("11", yymmdd(lo=2024, hi=2026)))
    return p


def uniq(pairs):
    seen, out = set(), []
    for a, v in pairs:
        if a not in seen:
            seen.add(a)
            out.append((a, v))
    return out


# --------------------------------------------------------------------------
# Case families
# --------------------------------------------------------------------------

def gen_valid_healthcare():
    for _ in range(220):
        add_some_mode(wristband(), "valid/wristband")
    for _ in range(40):
        add_some_mode(neonate_band(), "valid/neonate")
    for _ in range(100):
        add_some_mode(staff_badge(), "valid/staff")
    for _ in range(90):
        add_some_mode(location(), "valid/location")
    for _ in range(220):
        add_some_mode(uniq(medicine()), "valid/medicine")
    # minimal forms in every mode
    for builder, tag in ((lambda: [("8018", gsrn())], "valid/wristband-min"),
                         (lambda: [("8017", gsrn())], "valid/staff-min"),
                         (lambda: [("414", gln())], "valid/location-min"),
                         (lambda: [("01", gtin14())], "valid/gtin-min")):
        for _ in range(5):
            add_all_modes(builder(), tag)
    # the same wristband in all modes (cross-mode equivalence)
    for _ in range(25):
        add_all_modes(wristband(), "valid/wristband-allmodes")
    for _ in range(25):
        add_all_modes(uniq(medicine()), "valid/medicine-allmodes")
    # GS1 AIM ids other than ]d2 for the same data
    for aim in ("]Q3", "]J1", "]C1", "]e0"):
        for _ in range(8):
            add("scan", scan(uniq(medicine()), aim), f"valid/aim{aim[1:]}")
            add("scan", scan(wristband(), aim), f"valid/aim{aim[1:]}")


def gen_valid_dictionary():
    """One valid message per AI in the dictionary (with minimal requisites)."""
    for ai in sorted(TABLE):
        if ai in ("8030",):
            continue
        ais = close_requisites([ai])
        if ais is None:
            add("bracketed", bracketed([(ai, gen_value(TABLE[ai]))]), "dict/unsatisfiable")
            continue
        pairs = [(a, gen_value(TABLE[a]) if a not in ("01", "02", "00", "8018", "8017") else val(a)) for a in ais]
        # put the AI under test last sometimes to exercise FNC1 rules both ways
        if R.random() < 0.5:
            pairs = pairs[1:] + pairs[:1]
        add_some_mode(pairs, "dict/valid")


# Linter-driven invalid values -----------------------------------------------

def ctx_for(ai):
    ais = close_requisites([ai]) or [ai]
    return [(a, val(a)) for a in ais if a != ai]


def with_value(ai, value, tag, modes=None, ctx=None):
    pairs = (ctx if ctx is not None else ctx_for(ai)) + [(ai, value)]
    if R.random() < 0.4:
        pairs = [pairs[-1]] + pairs[:-1]
    if modes:
        add_all_modes(pairs, tag, modes)
    else:
        add_some_mode(pairs, tag)


def gen_check_digits():
    for ai in ["8018", "8017", "414", "01", "00", "02", "03", "410", "411", "412", "413", "415", "416",
               "417", "253", "255", "402", "8003", "8006", "8026"]:
        e = TABLE[ai]
        for _ in range(6 if ai in ("8018", "8017", "414", "01") else 2):
            v = val(ai) if ai in ("8018", "8017", "414", "01", "00", "02", "03") or ai.startswith("41") else gen_value(e)
            # locate the csum component
            off = 0
            for c in e.comps:
                if "csum" in c.linters:
                    body = v[off:off + c.hi - 1]
                    v = v[:off] + body + wrong_cd(body) + v[off + c.hi:]
                    break
                off += c.hi
            with_value(ai, v, "lint/csum")
    # GSRN carrying a bad NHS number is still a valid GS1 GSRN
    for _ in range(20):
        add_some_mode([("8018", gsrn(nhs_number(valid=False)))] + wristband()[1:], "valid/gsrn-bad-nhs")
    # GTIN one digit short / long
    for _ in range(6):
        g = gtin14()
        with_value("01", g[:-1], "length/gtin13-in-01")
        with_value("01", g + "3", "length/gtin15-in-01", modes=("bracketed",))
    # csumalpha (8013 GMN, 8014 MUDI)
    for ai in ("8013", "8014"):
        for _ in range(4):
            body = GCP + xstr(4, 10, "ABCDEFGH0123456789")
            good = csumalpha(body)
            with_value(ai, body + good, "valid/csumalpha")
            bad = good[::-1] if good[0] != good[1] else good[0] + CSET32[(CSET32.index(good[1]) + 1) % 32]
            with_value(ai, body + bad, "lint/csumalpha")
        with_value(ai, GCP + "AB" + "1O", "lint/csumalpha-cset32")  # 'O' not in CSET 32
    for _ in range(100000):  # an all-digit MUDI with a correct (all-digit) check pair
        body = "95" + digits(R.randint(4, 21))
        if csumalpha(body).isdigit():
            break
    with_value("8014", body + csumalpha(body), "value/hasnondigit")


def date_cases():
    # (ai, linter) pairs to exercise
    yy0 = ["17", "11", "13", "15", "16", "12"]
    for ai in yy0:
        n = 5 if ai == "17" else 2
        for _ in range(n):
            with_value(ai, f"{R.randint(26, 30):02d}{R.randint(1, 12):02d}00", "valid/yymmd0-day00")
        with_value(ai, "280229", "valid/leap-feb29")          # 2028 leap
        with_value(ai, "270229", "date/nonleap-feb29")        # 2027 not leap
        with_value(ai, "000229", "valid/leap-feb29-2000")
        with_value(ai, "261301", "date/month13")
        with_value(ai, "260001", "date/month00")
        with_value(ai, "260431", "date/apr31")
        with_value(ai, "260132", "date/day32")
    # expiry specifics on medicine packs
    for d in ["250229", "240229", "260230", "261131", "269999", "2612", "2612311", "26123A", "261200"]:
        for m in ("bracketed", "scan"):
            p = [("01", gtin14()), ("17", d), ("10", batch())]
            add_all_modes(p, "valid/expiry" if d in ("240229", "261200") else "date/expiry-bad", (m,))
    for ai in ["7006", "7007", "4326", "7003", "7011", "8008"]:
        e = TABLE[ai]
        rest = "".join(gen_component(ai, c, i, []) for i, c in enumerate(e.comps[1:]) if not c.opt)
        with_value(ai, "260100" + rest, "date/yymmdd-day00")
        with_value(ai, "270229" + rest, "date/nonleap-feb29")
        with_value(ai, "280229" + rest, "valid/leap-feb29")
        with_value(ai, "261301" + rest, "date/month13")
    # DOB yyyymmdd on wristbands
    dob = [("20240229", "valid/dob-leap"), ("20000229", "valid/dob-leap-2000"), ("19000229", "date/dob-1900-not-leap"),
           ("20230229", "date/dob-nonleap"), ("20210230", "date/dob-feb30"), ("19800100", "date/dob-day00"),
           ("19801301", "date/dob-month13"), ("19800001", "date/dob-month00"), ("19800431", "date/dob-apr31"),
           ("1980010", "length/dob-short"), ("198001011", "length/dob-long"), ("1980-01-", "charset/dob"),
           ("21000229", "date/dob-2100-not-leap"), ("20960229", "valid/dob-leap-2096"), ("00000101", "valid/dob-year0")]
    for d, tag in dob:
        for m in ("bracketed", "unbracketed", "scan", "dl"):
            add_all_modes([("8018", gsrn()), ("7250", d), ("7253", R.choice(FAMILY))], tag, (m,))
    for d, t, tag in [("20250101", "2359", "valid/dobtime"), ("20250101", "2400", "time/hour24"),
                      ("20250101", "1260", "time/minute60"), ("20250229", "1200", "date/dobtime-nonleap"),
                      ("20240229", "0000", "valid/dobtime-leap"), ("20250101", "12", "length/dobtime-short")]:
        for m in ("bracketed", "scan"):
            add_all_modes([("8018", gsrn()), ("7251", d + t), ("7259", "Baby%20of%20Smith")], tag, (m,))
    # times
    for ai, pre in [("7003", "261231"), ("4324", "260100"), ("4325", "261231"), ("7011", "261231")]:
        for t, tag in [("2400", "time/hour24"), ("2360", "time/minute60"), ("0000", "valid/time"), ("2359", "valid/time"), ("9999", "time/bad")]:
            with_value(ai, pre + t, tag)
    for t, tag in [("26123124", "time/hh24"), ("2612312360", "time/mi60"), ("261231235960", "time/ss60"),
                   ("261231235959", "valid/time-ss"), ("2612312359", "valid/time-mi"), ("261231", "length/8008-no-hh")]:
        with_value("8008", t, tag)


def code_cases():
    # biological sex on wristbands
    for s in "0129345A":
        for m in ("bracketed", "scan"):
            add_all_modes([("8018", gsrn()), ("7252", s)], "valid/sex" if s in "0129" else "code/iso5218", (m,))
    for mt in ["01", "10", "80", "99", "00", "11", "50", "79", "1"]:
        ok = mt in ("01", "10", "80", "99")
        add_some_mode([("8017", gsrn()), ("7241", mt)], "valid/mediatype" if ok else "code/mediatype")
    for c in ["826", "999", "000", "900", "372", "001"]:
        with_value("422", c, "valid/iso3166" if c in ("826", "372") else "code/iso3166")
        with_value("7030", c + "ABC", "valid/iso3166999" if c in ("826", "999", "372") else "code/iso3166999")
    with_value("423", "826250276", "valid/iso3166-multi")
    with_value("423", "826250999", "code/iso3166-multi")
    with_value("423", "8262", "length/423-partial")
    for c in ["GB", "XX", "gb", "UK", "EU"]:
        with_value("4307", c, "valid/iso3166alpha2" if c == "GB" else "code/iso3166alpha2")
    for c in ["826", "978", "999", "000", "001", "830"]:
        with_value("3912", c + "1234", "valid/iso4217" if c in ("826", "978", "999") else "code/iso4217")
    for c in ["BX", "CT", "ZZ9", "bx", "1A", "XXXX"]:
        with_value("7041", c, "valid/packagetype" if c in ("BX", "CT", "1A") else "code/packagetype")
    for c in ["GB82WEST12345698765432", "GB83WEST12345698765432", "XX82WEST12345698765432", "GB82", "GB82west12345698765432",
              "DE89370400440532013000", "GB82WEST1234569876543!"]:
        with_value("8007", c, "valid/iban" if c in ("GB82WEST12345698765432", "DE89370400440532013000") else "code/iban")
    for c in ["A", "z", "-", "_", "0", "!", "AB"]:
        with_value("7040", "1ABC"[:3] + c if len(c) == 1 else "1AB" + c, "valid/importeridx" if c not in ("!", "AB") else "code/importeridx")
    for w in "0192":
        with_value("8001", "123412345123" + w + "1", "valid/winding" if w in "019" else "code/winding")
    with_value("8001", "000012345123" + "1" + "1", "value/8001-zero-width")
    with_value("8001", "123400000123" + "1" + "1", "value/8001-zero-length")
    for y in "012":
        with_value("4321", y, "valid/yesno" if y in "01" else "code/yesno")
    for h in ["-", "+", ""]:
        with_value("4331", "001250" + h, "valid/hyphen" if h in ("-", "") else "value/hyphen")
    for lat, lon in [("1800000000", "3600000000"), ("1800000001", "0000000000"), ("0000000000", "3600000001")]:
        with_value("4309", lat + lon, "valid/latlong" if lat <= "1800000000" and lon <= "3600000000" else "value/latlong")
    for p in ["0102", "0202", "0000", "0100", "0302", "012", "00102"]:
        ok = p in ("0102", "0202")
        body = "1" + GCP + digits(5)
        with_value("8006", body + csum(body) + p, "valid/pieceoftotal" if ok else "value/pieceoftotal")
    for v in ["0" + GCP + "12345" + "8", "1" + GCP + "12345" + "9"]:
        body = v[1:13]
        with_value("8003", v[0] + body + csum(body) + "S1", "valid/grai" if v[0] == "0" else "value/grai-not-zero")
    for v in ["123", "0123", "1"]:
        with_value("8011", v, "valid/nozeroprefix" if v[0] != "0" else "value/nozeroprefix", ctx=[("8010", GCP + "A1")])
    for v in ["0000", "1234"]:
        with_value("8111", v, "valid/points" if v != "0000" else "valid/points-zero")
    # cset39 / cset64
    with_value("8010", GCP + "ABC-#/", "valid/cset39", ctx=[])
    with_value("8010", GCP + "abc", "charset/cset39-lower", ctx=[])
    with_value("8010", GCP + "A B", "charset/cset39-space", ctx=[])


def pcenc_cases():
    good = ["O%27Brien", "M%C3%BCller", "Smith%20Jones", "A%2f", "%25", "Jones"]
    bad = ["O%2", "M%C3%BCller%", "Smith%2GJones", "%ZZ", "100%", "%%41", "Zo%C"]
    for ai in ("7253", "7254", "7256", "7257", "7259"):
        for v in good:
            with_value(ai, v, "valid/pcenc")
        for v in bad:
            with_value(ai, v, "value/pcenc")
    for ai in ("4300", "4302", "4320"):
        with_value(ai, "St%20Mary%27s", "valid/pcenc")
        with_value(ai, "St%2Mary", "value/pcenc")
    # 7255 suffix is not pcenc: % is just a CSET 82 char
    with_value("7255", "%ZZ", "valid/7255-percent-not-linted")


def posinseq_cases():
    for v, ok in [("1/2", True), ("2/2", True), ("3/2", False), ("0/2", False), ("1/0", False), ("12/", False),
                  ("/12", False), ("1-2", False), ("01/", False), ("9/9", True), ("1/9", True), ("2/1", False)]:
        for m in ("bracketed", "scan"):
            add_all_modes([("8018", gsrn()), ("7259", "Baby%20of%20" + R.choice(FAMILY)), ("7258", v)],
                          "valid/posinseqslash" if ok else "value/posinseqslash", (m,))
    add_some_mode([("8018", gsrn()), ("7258", "1/2")], "req/7258-without-7259")
    add_some_mode([("8018", gsrn()), ("7259", "BabyOfSmith"), ("7258", "1/10")], "length/7258-too-long")


def coupon_cases():
    for v in ["012345612345611110123", "012345612345611110123101101230123456"]:
        add_some_mode([("8110", v)], "valid/coupon")
    for v in ["a12345612345611110123", "212345678", "01234561", "0123456123456111101230", "01234561234561111012318"]:
        add_some_mode([("8110", v)], "value/coupon")
    add_some_mode([("8112", "001234561234560123456")], "valid/couponposoffer")
    add_some_mode([("8112", "201234561234560123456")], "value/couponposoffer")


def misc_linter_cases():
    # nonzero, zero, gcppos
    with_value("8001", "0000000000000" + "01", "value/nonzero")
    with_value("01", "0" + "0000" + "000000000", "value/gcppos2-zero")
    body = "00000" + digits(8)
    with_value("01", body + csum(body), "value/gcppos2")
    body = "0000" + digits(13)
    add_some_mode([("8018", body + csum(body))], "value/gcppos1-zero-prefix")
    body = "000" + digits(14)
    add_some_mode([("8018", body + csum(body))], "value/gcppos1-zero-prefix")
    for ai in ("401", "8004", "7023", "8010"):
        add_some_mode([(ai, "952")], "value/gcppos1-short")
        add_some_mode([(ai, "95A2000XYZ")], "value/gcppos1-alpha")
        add_some_mode([(ai, "ABCD123")], "value/gcppos1-alpha")
    # DigSig cset64
    for v, tag in [("QUJDREVGR0hJSktMTU5PUA", "valid/digsig"), ("QUJD+/==", "charset/cset64"), ("QUJD=A", "charset/cset64-padding")]:
        add_some_mode([("01", gtin14()), ("21", serial()), ("8030", v)], tag)


# Length, charset, unknown AIs ---------------------------------------------------

def length_cases():
    for ai in ["8018", "8017", "414", "01", "00", "7250", "7252", "17", "8019", "254", "10", "21", "7253",
               "7254", "7256", "7257", "7259", "91", "710", "253", "8003", "3103", "422"]:
        e = TABLE[ai]
        ctx = ctx_for(ai)
        good = val(ai)
        if e.maxlen:
            too_long = good + "1" * (e.maxlen - len(good) + 1) if e.maxlen >= len(good) else good + "1"
            with_value(ai, too_long, "length/too-long", ctx=ctx)
        if e.minlen > 1:
            with_value(ai, good[:e.minlen - 1], "length/too-short", ctx=ctx)
        # empty (AI)
        for m in ("bracketed", "unbracketed", "scan", "dl"):
            if m == "bracketed":
                add(m, bracketed([(ai, "")] + ctx), "length/empty-ai")
            elif m == "dl" and e.dlpkey is not None:
                add(m, f"https://id.gs1.org/{ai}/", "length/empty-dl-value")
            elif m == "scan" and not e.fixed:
                add(m, "]d2" + ai + GS + element_string(ctx, GS) if ctx else "]d2" + ai, "length/empty-ai")
            elif m == "unbracketed" and not e.fixed:
                add(m, "^" + ai + "^" + element_string(ctx, "^") if ctx else "^" + ai, "length/empty-ai")
    # (8018)(8019)5 : empty GSRN followed by another AI
    add("bracketed", "(8018)(8019)5", "length/empty-ai")
    add("bracketed", "(8018)" + gsrn() + "(8019)", "length/empty-ai-last")
    add("bracketed", "(01)" + gtin14() + "(10)(21)ABC", "length/empty-ai")
    # values up to 90 (7256 X..90, 91-99 X..90) and 91
    for ai in ("7256", "91", "93", "99"):
        base = "A" * 90
        ctx = [("8018", gsrn())] if ai == "7256" else []
        add("bracketed", bracketed(ctx + [(ai, base)]), "valid/limit-90")
        add("scan", scan(ctx + [(ai, base)]), "valid/limit-90")
        add("bracketed", bracketed(ctx + [(ai, base + "B")]), "limit/value-91")
        add("scan", scan(ctx + [(ai, base + "B")]), "limit/value-91")
    # fixed-length AI followed by too many digits in raw data is just the next AI
    add("scan", "]d2" + "8018" + gsrn() + "9", "length/8018-extra-digit")
    add("scan", "]d2" + "01" + gtin14() + "1", "length/01-trailing-digit")
    # GS1 fixed-length (predefined) AI with FNC1 after it (allowed)
    g = gtin14()
    add("scan", "]d201" + g + GS + "10ABC", "valid/fnc1-after-fixed")
    add("unbracketed", "^01" + g + "^10ABC", "valid/fnc1-after-fixed")


def charset_cases():
    bad_chars = [(" ", "space"), ("#", "hash"), ("$", "dollar"), ("@", "at"), ("[", "lbracket"), ("~", "tilde"),
                 ("{", "brace"), ("`", "backtick"), ("\\", "backslash"), ("\u00e9", "utf8-e-acute"),
                 ("\u00fc", "utf8-u-umlaut"), ("\x7f", "del"), ("\x01", "ctrl-01"), ("\t", "tab")]
    for ch, name in bad_chars:
        for ai, base in [("7253", "Smith"), ("10", "AB12"), ("21", "SER12"), ("254", "WARD"), ("91", "RX1K1234567")]:
            v = base[:2] + ch + base[2:]
            with_value(ai, v, "charset/" + name, modes=(R.choice(["bracketed", "scan"]),))
    # numeric AIs with letters
    for ai, v in [("8018", "95200009990001235A"), ("7250", "1980O101"), ("8019", "12A"), ("17", "26I231"),
                  ("01", "0950600013435O"), ("414", "952000012345 ")]:
        with_value(ai, v, "charset/numeric", modes=("bracketed", "scan"))
    # ^ inside values
    add("bracketed", "(01)" + gtin14() + "(10)AB^C", "charset/caret")
    add("scan", "]d201" + gtin14() + "10AB^C", "charset/caret-scan")
    add("bracketed", "(8018)" + gsrn() + "(7253)O^Brien", "charset/caret")
    # raw non-ASCII name instead of percent-encoding
    for n in ["M\u00fcller", "Garc\u00eda", "Zo\u00eb", "\u00c5sa"]:
        add_some_mode([("8018", gsrn()), ("7253", n)], "charset/raw-utf8-name")


def unknown_ai_cases():
    for ai in ["23", "2", "12345", "999", "7260", "8099", "4399", "719", "3106", "3900A", "05", "09", "14", "19",
               "24", "27", "28", "29", "38", "39", "42", "44", "45", "46", "47", "48", "49", "5", "6", "89", "909"]:
        add("bracketed", f"({ai})12345", "unknown/bracketed")
        add("bracketed", f"(01){gtin14()}({ai})12345", "unknown/bracketed")
    for raw in ["23123", "0512345678901234", "2712", "4299", "7260ABC", "8099X", "3106123456", "49"]:
        add("scan", "]d2" + raw, "unknown/scan")
        add("unbracketed", "^" + raw, "unknown/unbracketed")
        add("scan", "]d201" + gtin14() + raw, "unknown/scan-after-fixed")
    add("dl", f"https://id.gs1.org/01/{gtin14()}?99=ABC", "valid/dl-internal-ai-query")
    for q in ["7260=1", "23=5", "999=1", "8099=X", "4399=1"]:
        add("dl", f"https://id.gs1.org/01/{gtin14()}?{q}", "unknown/dl-query")
    add("dl", f"https://id.gs1.org/01/{gtin14()}/23/123", "unknown/dl-path")


def syntax_cases():
    g, s = gtin14(), gsrn()
    cases = [
        ("bracketed", "", "syntax/empty"),
        ("bracketed", "01" + g, "syntax/no-brackets"),
        ("bracketed", "(01" + g, "syntax/unclosed"),
        ("bracketed", "(01)" + g + "(10", "syntax/unclosed"),
        ("bracketed", "()" + g, "syntax/empty-ai-number"),
        ("bracketed", "(01)" + g + "()ABC", "syntax/empty-ai-number"),
        ("bracketed", "((01)" + g, "syntax/double-open"),
        ("bracketed", "(01))" + g, "syntax/double-close"),
        ("bracketed", "(0A)" + g, "syntax/alpha-ai"),
        ("bracketed", "(01) " + g, "syntax/space-after-ai"),
        ("bracketed", " (01)" + g, "syntax/leading-space"),
        ("bracketed", "(01)" + g + " ", "syntax/trailing-space"),
        ("bracketed", "(01)" + g + "(10)AB\\(C)D(21)X", "valid/escaped-paren"),
        ("bracketed", "(01)" + g + "(10)AB\\(C", "valid/escaped-paren"),
        ("bracketed", "(01)" + g + "(10)AB(C)D", "syntax/unescaped-paren"),
        ("bracketed", "(01)" + g + "(10)AB)C", "valid/close-paren"),
        ("bracketed", "(01)" + g + "(10)AB\\C", "charset/backslash"),
        ("bracketed", "(01)" + g + "(10)AB\\", "syntax/trailing-backslash"),
        ("bracketed", "(01)" + g + "(10)\\(", "valid/escaped-paren-only"),
        ("bracketed", "(8018)" + s + "(7253)O\\(Brien", "valid/escaped-paren-name"),
        ("bracketed", "(01)" + g + "|(10)ABC", "syntax/composite-bar-dm"),
        ("bracketed", "(01)" + g + "(10)A|B", "syntax/bar-in-value"),
        ("bracketed", "(8018)" + s + "|(8019)1", "syntax/composite-bar-dm"),
        ("unbracketed", "01" + g, "syntax/missing-fnc1"),
        ("unbracketed", "^", "syntax/fnc1-only"),
        ("unbracketed", "^^01" + g, "syntax/double-fnc1"),
        ("unbracketed", "^01" + g + "^", "syntax/trailing-fnc1"),
        ("unbracketed", "^01" + g + "10ABC^^21X", "syntax/double-fnc1-mid"),
        ("unbracketed", "^01" + g + GS + "10ABC", "syntax/gs-in-unbracketed"),
        ("unbracketed", "^01" + g + "|^10ABC", "syntax/composite-bar"),
        ("unbracketed", "^8018" + s + "8019" + "1", "separator/8018-not-predefined"),
        ("unbracketed", "^01" + g + "10ABC\\^", "syntax/escaped-caret"),
        ("scan", "]d2", "syntax/aim-only"),
        ("scan", "]d2" + GS + "01" + g, "syntax/leading-gs"),
        ("scan", "]d2" + GS + GS + "01" + g, "syntax/leading-gs"),
        ("scan", "]d201" + g + "10ABC" + GS, "syntax/trailing-gs"),
        ("scan", "]d201" + g + "10ABC" + GS + GS + "21X", "syntax/double-gs"),
        ("scan", "]d201" + g + "|]e010ABC", "syntax/composite-bar-dm"),
        ("scan", "]d201" + g + "10A|B", "syntax/bar-in-value"),
        ("scan", "]e001" + g + "|10ABC", "syntax/bar-in-e0"),
        ("scan", "]d2^01" + g, "syntax/caret-in-scan"),
        ("scan", "]d201" + g + "^10ABC", "syntax/caret-in-scan"),
        ("scan", "]d201" + g + "\x1e10ABC", "charset/rs-separator"),
        ("scan", "]d201" + g + "\x0410ABC", "charset/eot"),
    ]
    for m, inp, tag in cases:
        add(m, inp, tag)
    # dropped separators: fields merge (sometimes still valid!)
    for _ in range(40):
        p = uniq(medicine())
        add("scan", "]d2" + "".join(a + v for a, v in p), "separator/dropped-all")
        i = [k for k, (a, _) in enumerate(p[:-1]) if not TABLE[a].fixed]
        if i:
            k = R.choice(i)
            es = ""
            for j, (a, v) in enumerate(p):
                es += a + v
                if j < len(p) - 1 and not TABLE[a].fixed and j != k:
                    es += GS
            add("scan", "]d2" + es, "separator/dropped-one")
    for _ in range(25):
        p = wristband()
        add("scan", "]d2" + "".join(a + v for a, v in p), "separator/dropped-all")
        add("unbracketed", "^" + "".join(a + v for a, v in p), "separator/dropped-all")
    # GS replaced by other bytes some scanners emit
    for _ in range(10):
        p = uniq(medicine())
        for rep, name in [("<GS>", "literal-GS"), ("~", "tilde"), ("{GS}", "brace-GS"), ("\x1e", "RS")]:
            add("scan", "]d2" + element_string(p, rep), "separator/" + name)


def trailing_cases():
    for _ in range(12):
        for p, nm in [(wristband(), "wristband"), (uniq(medicine()), "medicine"), (location(), "location")]:
            for t, tn in [("\r", "cr"), ("\n", "lf"), ("\r\n", "crlf")]:
                m = R.choice(["scan", "bracketed", "unbracketed", "dl"])
                if m == "scan":
                    add(m, scan(p) + t, f"trailing/{tn}")
                elif m == "bracketed":
                    add(m, bracketed(p) + t, f"trailing/{tn}")
                elif m == "unbracketed":
                    add(m, unbracketed(p) + t, f"trailing/{tn}")
                else:
                    u = dl(p)
                    add(m, u + t if u else None, f"trailing/{tn}")
    add("scan", "]d1" + "9990001235" + "\r\n", "trailing/plain-crlf")


def rule_cases():
    s, g = gsrn(), gtin14()
    # missing requisites (hospital rules)
    for pairs, tag in [
        ([("21", serial())], "req/21-no-01"),
        ([("10", batch())], "req/10-no-01"),
        ([("17", "261231")], "req/17-no-01"),
        ([("17", "261231"), ("10", batch()), ("21", serial())], "req/pack-no-gtin"),
        ([("8019", "1")], "req/8019-no-gsrn"),
        ([("254", "WARD7")], "req/254-no-414"),
        ([("7250", "19800101")], "req/7250-no-8018"),
        ([("8017", s), ("7250", "19800101")], "req/7250-with-8017"),
        ([("8017", s), ("7252", "1")], "req/7252-with-8017"),
        ([("8017", s), ("7259", "BabyOfSmith")], "req/7259-with-8017"),
        ([("8017", s), ("7257", "1%20High%20St")], "req/7257-with-8017"),
        ([("7253", "Smith"), ("7254", "John")], "req/names-no-gsrn"),
        ([("7241", "01")], "req/7241-no-gsrn"),
        ([("710", "1234567")], "req/710-no-01"),
        ([("8018", s), ("710", "1234567")], "req/710-on-wristband"),
        ([("01", g), ("250", "SEC1")], "req/250-no-21"),
        ([("8006", gen_value(TABLE["8006"])), ("250", "SEC1")], "req/250-no-21"),
        ([("02", g), ("10", "B1")], "req/02-no-37"),
        ([("37", "10")], "req/37-no-00"),
        ([("00", sscc()), ("37", "10")], "req/37-no-02"),
        ([("8011", "123")], "req/8011-no-8010"),
        ([("7004", "12"), ("01", g)], "req/7004-no-10"),
        ([("01", g), ("21", "S1"), ("8041", digits(15))], "req/8041-no-8040"),
        ([("8030", "QUJD")], "req/8030-alone"),
        ([("12", "261231")], "req/12-no-8020"),
        ([("7240", "PROT1")], "req/7240-no-01"),
    ]:
        for m in ("bracketed", "scan", "unbracketed"):
            add_all_modes(pairs, tag, (m,))
    # exclusive pairs
    for pairs, tag in [
        ([("8017", gsrn()), ("8018", gsrn())], "ex/8017-8018"),
        ([("8018", s), ("7250", "19800101"), ("7251", "198001011200")], "ex/7250-7251"),
        ([("01", g), ("02", gtin14()), ("37", "5")], "ex/01-02"),
        ([("8018", s), ("7256", "John%20Smith"), ("7253", "Smith")], "ex/7256-7253"),
        ([("8018", s), ("7256", "John%20Smith"), ("7254", "John")], "ex/7256-7254"),
        ([("8018", s), ("7256", "John%20Smith"), ("7255", "Jr")], "ex/7256-7255"),
        ([("8018", s), ("7259", "BabyOfSmith"), ("7253", "Smith")], "ex/7259-7253"),
        ([("8018", s), ("7259", "BabyOfSmith"), ("7256", "Baby%20Smith")], "ex/7259-7256"),
        ([("01", g), ("21", "S1"), ("235", "TPX1")], "ex/21-235"),
        ([("01", g), ("255", gen_value(TABLE["255"]))], "ex/01-255"),
        ([("01", g), ("3103", "000500"), ("3102", "005000")], "ex/3103-3102"),
        ([("01", g), ("3103", "000500"), ("3203", "000500")], "valid/310n-320n"),
        ([("01", g), ("8006", gen_value(TABLE["8006"]))], "ex/01-8006"),
        ([("420", "SW1A1AA"), ("421", "826SW1A1AA")], "ex/420-421"),
        ([("00", sscc()), ("4330", "001250"), ("4331", "000500")], "ex/4330-4331"),
    ]:
        for m in ("bracketed", "scan"):
            add_all_modes(pairs, tag, (m,))
    # requisites satisfied only across carriers are still missing in a single message
    add_some_mode([("10", batch()), ("17", "261231")], "req/second-carrier")
    # requisite satisfied by a repeat or by a later AI
    add_all_modes([("10", batch()), ("01", g)], "valid/req-later", ("bracketed", "scan"))
    # random req/ex breaks from the dictionary
    req_ais = [a for a in sorted(TABLE) if TABLE[a].req]
    for a in R.sample(req_ais, 60):
        add_some_mode([(a, gen_value(TABLE[a]))], "req/dict-alone")
    ex_ais = [a for a in sorted(TABLE) if TABLE[a].ex]
    for a in R.sample(ex_ais, 40):
        pats = [p for p in TABLE[a].ex if pat_inst(p) != a and pat_inst(p) in TABLE]
        if not pats:
            continue
        b = pat_inst(R.choice(pats))
        base = close_requisites([a]) or [a]
        ais = base + [b] if b not in base else base
        pairs = [(x, val(x)) for x in ais]
        add_some_mode(pairs, "ex/dict")


def repeat_cases():
    for _ in range(15):
        p = wristband()
        s2 = gsrn()
        add_some_mode(p + [("8018", p[0][1])], "valid/repeat-identical-8018")
        add_some_mode(p + [("8018", s2)], "repeat/conflicting-8018")
    for _ in range(15):
        p = uniq(medicine())
        add_some_mode(p + [("01", p[0][1])], "valid/repeat-identical-01")
        add_some_mode(p + [("01", gtin14())], "repeat/conflicting-01")
        add_some_mode(p + [("17", "291231" if dict(p)["17"] != "291231" else "301231")], "repeat/conflicting-17")
        add_some_mode(p + [("10", dict(p)["10"])], "valid/repeat-identical-10")
    for _ in range(5):
        p = [("414", gln()), ("254", val("254"))]
        add_some_mode(p + [("414", gln())], "repeat/conflicting-414")
        add_some_mode(p + [("254", "OTHER")], "repeat/conflicting-254")
        p = staff_badge()
        add_some_mode(p + [("8017", p[0][1])], "valid/repeat-identical-8017")
    # two wristbands concatenated (same patient vs different patient)
    for _ in range(5):
        a = wristband(rich=False)
        b = wristband(rich=False)
        add("scan", scan(a) + GS + element_string(a, GS), "valid/repeat-concat-same")
        add("scan", scan(a) + GS + element_string(b, GS), "repeat/concat-different")
    # DL duplicates
    g = gtin14()
    add("dl", f"https://id.gs1.org/01/{g}?17=261231&17=261231", "dl/duplicate-query")
    add("dl", f"https://id.gs1.org/01/{g}/10/A?10=A", "dl/duplicate-path-query")


def digsig_cases():
    sig = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo"
    g = gtin14()
    b = GCP + "12345"
    grai_ns = "0" + b + csum(b)
    b2 = GCP + "54321"
    gdti_ns = b2 + csum(b2)
    b3 = GCP + "11111"
    gcn_ns = b3 + csum(b3)
    for pairs, tag in [
        ([("01", g), ("21", "S1"), ("8030", sig)], "valid/digsig-01-21"),
        ([("01", g), ("8030", sig)], "req/digsig-01-no-21"),
        ([("8003", grai_ns), ("8030", sig)], "digsig/8003-no-serial"),
        ([("8003", grai_ns + "SER1"), ("8030", sig)], "valid/digsig-8003"),
        ([("253", gdti_ns), ("8030", sig)], "digsig/253-no-serial"),
        ([("253", gdti_ns + "S9"), ("8030", sig)], "valid/digsig-253"),
        ([("255", gcn_ns), ("8030", sig)], "digsig/255-no-serial"),
        ([("255", gcn_ns + "123"), ("8030", sig)], "valid/digsig-255"),
        ([("8018", gsrn()), ("8030", sig)], "valid/digsig-8018"),
        ([("8017", gsrn()), ("8030", sig)], "valid/digsig-8017"),
        ([("414", gln()), ("8030", sig)], "req/digsig-414"),
        ([("8018", gsrn()), ("8030", sig + "!")], "charset/digsig"),
        ([("8018", gsrn()), ("8030", "A" * 91)], "length/digsig-91"),
        ([("8003", grai_ns), ("253", gdti_ns + "S1"), ("8030", sig)], "digsig/8003-no-serial-other-ok"),
    ]:
        for m in ("bracketed", "scan", "dl"):
            add_all_modes(pairs, tag, (m,))


def dl_cases():
    stems = ["https://id.gs1.org", "https://example.nhs.uk", "https://example.nhs.uk/dl", "http://id.example.com/a/b/c",
             "HTTPS://ID.GS1.ORG", "https://scan.trust.example.nhs.uk:8443/gs1"]
    for _ in range(40):
        p = uniq(medicine())
        add("dl", dl(p, stem=R.choice(stems), shuffle_query=True), "valid/dl-medicine")
    for _ in range(25):
        p = wristband()
        add("dl", dl(p, stem=R.choice(stems), shuffle_query=True), "valid/dl-wristband")
    for _ in range(10):
        add("dl", dl(location(), stem=R.choice(stems)), "valid/dl-location")
        add("dl", dl(staff_badge(), stem=R.choice(stems)), "valid/dl-staff")
    g, s, gl = gtin14(), gsrn(), gln()
    b, ser = batch(), serial()
    cases = [
        (f"https://id.gs1.org/01/{g}/21/{ser}/10/{b}", "dl/qualifier-order"),
        (f"https://id.gs1.org/01/{g}/10/{b}/21/{ser}", "valid/dl-qualifier-order"),
        (f"https://id.gs1.org/01/{g}/22/CPV1/10/{b}/21/{ser}", "valid/dl-cpv"),
        (f"https://id.gs1.org/01/{g}/10/{b}/22/CPV1", "dl/qualifier-order"),
        (f"https://id.gs1.org/01/{g}/235/TPX1", "valid/dl-235"),
        (f"https://id.gs1.org/01/{g}/235/TPX1/21/{ser}", "dl/qualifier-alt-mix"),
        (f"https://id.gs1.org/01/{g}?21={ser}", "dl/qualifier-in-query"),
        (f"https://id.gs1.org/01/{g}?10={b}", "dl/qualifier-in-query"),
        (f"https://id.gs1.org/8018/{s}?8019=1", "dl/qualifier-in-query"),
        (f"https://id.gs1.org/8018/{s}/8019/1", "valid/dl-8019-path"),
        (f"https://id.gs1.org/414/{gl}/254/WARD7", "valid/dl-254-path"),
        (f"https://id.gs1.org/414/{gl}?254=WARD7", "dl/qualifier-in-query"),
        (f"https://id.gs1.org/414/{gl}/7040/1ABC", "valid/dl-7040"),
        (f"https://id.gs1.org/414/{gl}/254/W1/7040/1ABC", "dl/qualifier-alt-mix"),
        (f"https://id.gs1.org/01/{g[1:]}", "dl/gtin13"),
        (f"https://id.gs1.org/01/{g[1:]}/10/{b}", "dl/gtin13"),
        (f"https://id.gs1.org/01/{g[6:]}", "dl/gtin8"),
        (f"https://id.gs1.org/01/{g}?17=261231&99=X&foo=bar&utm_source=qr", "valid/dl-nonai-params"),
        (f"https://id.gs1.org/01/{g}?foo", "valid/dl-nonai-flag"),
        (f"https://id.gs1.org/01/{g}?17=261231&&10x=1", "valid/dl-odd-params"),
        (f"https://id.gs1.org/01/{g}?17=261231#frag", "dl/fragment"),
        (f"https://id.gs1.org/01/{g}?8019=1", "dl/not-attribute"),
        (f"https://id.gs1.org/01/{g}?254=W1", "dl/not-attribute"),
        (f"https://id.gs1.org/01/{g}?21=", "dl/empty-query-value"),
        (f"https://id.gs1.org/01/{g}?17=", "dl/empty-query-value"),
        (f"https://id.gs1.org/01/{g}?17", "dl/query-ai-no-value"),
        (f"https://id.gs1.org/01/{g}/10/", "dl/empty-path-value"),
        (f"https://id.gs1.org/01/{g}/10", "dl/path-ai-no-value"),
        (f"https://id.gs1.org/01/{g}/", "dl/trailing-slash"),
        (f"https://id.gs1.org/", "dl/no-key"),
        (f"https://id.gs1.org", "dl/no-path"),
        (f"https://", "dl/no-domain"),
        (f"ftp://id.gs1.org/01/{g}", "dl/bad-scheme"),
        (f"Https://id.gs1.org/01/{g}", "dl/mixed-case-scheme"),
        (f"HTTP://id.gs1.org/01/{g}", "valid/dl-upper-http"),
        (f"https://id.gs1.org/01/{g}/10/AB%2FC", "valid/dl-pct-slash"),
        (f"https://id.gs1.org/01/{g}/10/AB%20C", "charset/dl-pct-space"),
        (f"https://id.gs1.org/01/{g}/10/AB%2", "dl/bad-pct"),
        (f"https://id.gs1.org/01/{g}/10/AB%ZZ", "dl/bad-pct"),
        (f"https://id.gs1.org/01/{g}/10/AB%00", "dl/pct-null"),
        (f"https://id.gs1.org/01/{g}/10/AB C", "dl/raw-space"),
        (f"https://id.gs1.org/01/{g}/10/AB\u00e9", "dl/raw-utf8"),
        (f"https://id.gs1.org/01/{g}/10/AB%C3%A9", "charset/dl-pct-utf8-in-cset82"),
        (f"https://id.gs1.org/8018/{s}?7253=M%2525C3%2525BCller", "valid/dl-double-encoded-name"),
        (f"https://id.gs1.org/8018/{s}?7253=M%25C3%25BCller&7250=19800101", "valid/dl-pcenc-name"),
        (f"https://id.gs1.org/8018/{s}?7253=M%C3%BCller", "charset/dl-decoded-utf8-name"),
        (f"https://id.gs1.org/8018/{s}?7253=O%2527Brien&7254=John", "valid/dl-pcenc-name"),
        (f"https://id.gs1.org/8018/{s}/8017/{gsrn()}", "dl/8018-stem-8017-key"),
        (f"https://id.gs1.org/8017/{s}/8018/{gsrn()}", "dl/8017-stem-8018-key"),
        (f"https://example.com/01/foo/01/{g}", "dl/key-in-stem"),
        (f"https://example.com/gtin/{g}", "dl/convenience-alpha"),
        (f"https://example.com/gtin/{g}/lot/{b}", "dl/convenience-alpha"),
        (f"https://id.gs1.org/01/{g}/10/{b}?17=261231&17=261231", "dl/duplicate-query"),
        (f"https://id.gs1.org/01/{g}?17=261231&17=270101", "dl/conflicting-query"),
        (f"https://id.gs1.org/01/{g}?17=270229", "date/dl-nonleap"),
        (f"https://id.gs1.org/8018/{s}?7250=20230229", "date/dl-dob"),
        (f"https://id.gs1.org/8018/{s}?7252=3", "code/dl-sex"),
        (f"https://id.gs1.org/8018/{gsrn()[:-1]}0?7250=19800101", "lint/dl-csum"),
        (f"https://id.gs1.org/01/{g}?3103=000500&3102=000100", "ex/dl-310n"),
        (f"https://id.gs1.org/01/{g}?02={gtin14()}", "ex/dl-01-02"),
        (f"https://id.gs1.org/00/{sscc()}", "valid/dl-sscc"),
        (f"https://id.gs1.org/00/{sscc()}/10/X", "dl/no-qualifiers-for-00"),
        (f"https://id.gs1.org/01/{g}/01/{g}", "dl/duplicate-key"),
        (f"https://id.gs1.org/10/{b}", "dl/no-key"),
        (f"https://id.gs1.org/01/{g}/10/{b}?", "valid/dl-empty-query"),
        (f"https://id.gs1.org/01/{g};x=1", "dl/semicolon"),
        (f"https://id.gs1.org/01/{g}/10/{b}?17=261231;99=A", "dl/semicolon-query"),
    ]
    for u, tag in cases:
        add("dl", u, tag)
    # DL URIs carried in plain symbols (and wrongly in GS1 mode)
    for _ in range(10):
        u = dl(uniq(medicine()))
        add("scan", "]d1" + u, "valid/dl-in-d1")
        add("scan", "]Q1" + u, "valid/dl-in-Q1")
        add("scan", "]J0" + u, "valid/dl-in-J0")
        add("scan", "]d2" + u, "scan/dl-in-d2")
        add("scan", "]Q3" + u, "scan/dl-in-Q3")
    for _ in range(6):
        u = dl(wristband())
        add("scan", "]d1" + u, "valid/dl-in-d1")
        add("scan", "]Q1" + u.replace("/01/", "/01/"), "valid/dl-in-Q1")
    add("scan", "]d1https://id.gs1.org/01/" + g[1:], "dl/gtin13-in-d1")
    add("scan", "]Q1https://id.gs1.org/01/" + g + "?21=S1", "dl/qualifier-in-query-Q1")


def aim_cases():
    g = gtin14()
    p = uniq(medicine())
    es = element_string(p, GS)
    for aim in ["]d2", "]Q3", "]J1", "]C1", "]e0"]:
        add("scan", aim + es, "valid/aim-gs1")
    for aim in ["]d1", "]Q1", "]J0"]:
        add("scan", aim + es, "scan/gs1-data-in-plain")
        add("scan", aim + "9990001235", "plain/nhs-number")
        add("scan", aim + "K1234567", "plain/mrn")
        add("scan", aim + "Hello world", "plain/text")
        add("scan", aim + "^0109506000134352", "plain/caret")
        add("scan", aim + "\\^01", "plain/escaped-caret")
    for aim in ["]X0", "]C0", "]A0", "]Q0", "]d0", "]I0", "]E3", "]e1", "]d3", "]Z0", "]L2"]:
        add("scan", aim + es, "scan/unknown-aim")
    add("scan", es, "scan/no-aim")
    add("scan", "d2" + es, "scan/no-bracket")
    add("scan", "]d", "scan/short-aim")
    add("scan", "]", "scan/short-aim")
    add("scan", "", "scan/empty")
    add("scan", "]D2" + es, "scan/aim-case")
    # EAN/UPC
    for code, tag in [("9506000134352", "ean13-valid"), ("9506000134353", "ean13-bad-cd"), ("950600013435", "ean13-short"),
                      ("95060001343521", "ean13-long"), ("950600013435A", "ean13-alpha"), ("0416000336108", "upca-as-ean13")]:
        add("scan", "]E0" + code, "scan/" + tag)
    for code, tag in [("95200002", "ean8-valid"), ("95200003", "ean8-bad-cd"), ("9520000", "ean8-short")]:
        add("scan", "]E4" + code, "scan/" + tag)
    add("scan", "]E09506000134352|]e010ABC" + GS + "17261231", "scan/ean13-composite")
    add("scan", "]E09506000134352|]e01726123110ABC", "scan/ean13-composite")
    add("scan", "]E09506000134352|10ABC", "scan/ean13-bad-composite")
    add("scan", "]E495200002|]e021SER1", "scan/ean8-composite")
    # GS1-128 / DataBar composite
    add("scan", "]e001" + g + "10ABC" + GS + "17261231", "valid/e0-composite-concat")
    add("scan", "]C101" + g + "|]e010ABC", "scan/c1-bar")
    # FNC1 as first char after AIM in GS1 mode (some readers send it)
    add("scan", "]C1" + GS + "01" + g, "syntax/leading-gs")


def limit_cases():
    # 64 vs 65 AIs (internal AIs 91-99 and repeats)
    def many(n):
        return [("91", "X%d" % i) if False else (str(91 + i % 9), "V%d" % (i // 9)) for i in range(n)]
    # identical repeats are allowed, so use distinct values per AI would conflict; use same value per AI
    def many_same(n):
        return [(str(91 + i % 9), "V") for i in range(n)]
    for n, tag in [(64, "valid/limit-64-ais"), (65, "limit/65-ais"), (100, "limit/100-ais")]:
        add("bracketed", bracketed(many_same(n)), tag)
        add("scan", scan(many_same(n)), tag)
        add("unbracketed", unbracketed(many_same(n)), tag)
    g = gtin14()
    add("dl", "https://id.gs1.org/01/" + g + "?" + "&".join("%d=V" % (91 + i % 9) for i in range(70)), "limit/dl-many-query")
    # input length around 8191 bytes
    long_val = "A" * 90
    def long_input(target, mode):
        pairs = []
        i = 0
        while True:
            pairs.append((str(91 + i % 9), long_val))
            i += 1
            s = scan(pairs) if mode == "scan" else bracketed(pairs)
            if len(s) >= target:
                return s[:target]
    # L = total input bytes (scan: including the 3-byte AIM id)
    for L in (8190, 8191, 8192, 8193, 8194, 9000, 20000):
        add("scan", "]d1" + "A" * (L - 3), f"limit/plain-len-{L}")
        add("bracketed", "(91)" + "A" * (L - 4), f"limit/len-{L}")
        tail = "/01/" + g
        add("dl", "https://example.com/" + "a" * (L - 20 - len(tail)) + tail, f"limit/dl-len-{L}")
        add("unbracketed", "^91" + "A" * (L - 3), f"limit/unbracketed-len-{L}")
    add("scan", "]d2" + GS.join(["91" + "A" * 90] * 91), "limit/scan-8k")


def bench_lines():
    out = {}
    R2 = R  # same deterministic stream
    w = []
    while len(w) < 100:
        p = wristband() if R2.random() < 0.85 else neonate_band()
        w.append(scan(p))
    out["wristband"] = w
    out["staff"] = [scan(staff_badge()) for _ in range(100)]
    out["location"] = [scan(location()) for _ in range(100)]
    out["medicine"] = [scan(uniq(medicine())) for _ in range(100)]
    return out


# --------------------------------------------------------------------------

def esc(s):
    out = []
    for ch in s.encode("utf-8"):
        c = chr(ch)
        if c == "\\":
            out.append("\\\\")
        elif c == "\t":
            out.append("\\t")
        elif c == "\n":
            out.append("\\n")
        elif c == "\r":
            out.append("\\r")
        elif ch < 0x20 or ch >= 0x7f:
            out.append("\\x%02x" % ch)
        else:
            out.append(c)
    return "".join(out)


def main():
    global TABLE
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dict", default=os.environ.get("GS1_SYNTAX_DICTIONARY", "/work/shared/gs1/gs1-syntax-dictionary.txt"))
    ap.add_argument("--cases", required=True, help="output: case list (JSON lines)")
    ap.add_argument("--tsv", required=True, help="output: escaped TSV for the engine batch driver")
    ap.add_argument("--bench-dir", help="output dir for benchmark input files")
    a = ap.parse_args()
    TABLE = parse_dictionary(a.dict)

    gen_valid_healthcare()
    gen_valid_dictionary()
    gen_check_digits()
    date_cases()
    code_cases()
    pcenc_cases()
    posinseq_cases()
    coupon_cases()
    misc_linter_cases()
    length_cases()
    charset_cases()
    unknown_ai_cases()
    syntax_cases()
    trailing_cases()
    rule_cases()
    repeat_cases()
    digsig_cases()
    dl_cases()
    aim_cases()
    limit_cases()
    bench = bench_lines()

    with open(a.cases, "w", encoding="utf-8") as f:
        for c in CASES:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    with open(a.tsv, "w", encoding="ascii") as f:
        for c in CASES:
            f.write(c["mode"] + "\t" + esc(c["input"]) + "\n")
    if a.bench_dir:
        os.makedirs(a.bench_dir, exist_ok=True)
        for name, lines in bench.items():
            with open(os.path.join(a.bench_dir, name + ".txt"), "w", encoding="utf-8", newline="\n") as f:
                for l in lines:
                    assert "\n" not in l and "\r" not in l
                    f.write(l + "\n")
    print(f"{len(CASES)} cases (dictionary release {release_of(a.dict)}, {len(TABLE)} AIs, seed {SEED})", file=sys.stderr)


TABLE = {}

if __name__ == "__main__":
    main()
