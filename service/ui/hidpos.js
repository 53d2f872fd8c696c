// HID POS (usage page 0x8C, "Bar Code Scanner") input reports: the JavaScript twin of
// drivers/scanner/src/decode/hidpos.rs, rule for rule, so a browser with WebHID reads a
// USB scanner exactly as the service's own driver does. The browser tests feed both
// decoders the same bytes and require the same answers, errors included.
//
// Layout (Honeywell / Access-IS, report ID 2, 64 bytes as hidraw delivers them):
//   0 report ID | 1 data length (<= 56) | 2..5 AIM identifier "]cm" | 5..61 data |
//   61 vendor code ID | 62 reserved | 63 bit 0: more reports follow
// WebHID hands over the report ID and the bytes after it separately; `fromWebHid` joins
// them again. A scan longer than one report arrives as several, the last with the
// continuation bit clear. Zero-length reports are ignored. After any fault in the middle
// of a scan, the rest of that scan is discarded: a mangled scan is never delivered.

export const USAGE_PAGE = 0x8c;
export const MAX_SCAN_LEN = 8192;

export const STANDARD = Object.freeze({
  reportId: 2,
  lengthAt: 1,
  aimAt: 2,
  dataAt: 5,
  maxData: 56,
  continuedAt: 63,
  continuedMask: 0x01,
});

/** Bytes a report of `layout` must have. */
export function reportLen(l) {
  let n = Math.max(l.dataAt + l.maxData, l.continuedAt + 1);
  n = Math.max(n, l.lengthAt + 1);
  if (l.aimAt !== null) n = Math.max(n, l.aimAt + 3);
  return n;
}

const isAlpha = (b) => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
const isDigit = (b) => b >= 0x30 && b <= 0x39;

/** `{aim: "]d2"}` or `{error}` for three bytes, as `Aim::parse`. */
export function parseAim(bytes) {
  if (bytes.length < 3) return { error: { kind: 'TooShort', len: bytes.length } };
  const [flag, code, modifier] = bytes;
  if (flag !== 0x5d) return { error: { kind: 'NoFlag', found: flag } };
  if (!isAlpha(code)) return { error: { kind: 'BadCode', found: code } };
  if (!isAlpha(modifier) && !isDigit(modifier)) return { error: { kind: 'BadModifier', found: modifier } };
  return { aim: String.fromCharCode(flag, code, modifier) };
}

/** A leading AIM identifier split off data that has one, as `Frame::from_scan_data`. */
export function fromScanData(bytes) {
  if (bytes.length >= 3) {
    const a = parseAim(bytes.subarray(0, 3));
    if (a.aim) return { aim: a.aim, data: bytes.slice(3) };
  }
  return { aim: null, data: bytes.slice() };
}

const IDLE = 'idle';
const ASSEMBLING = 'assembling';
const DISCARDING = 'discarding';

/** Reassembles scans from HID POS input reports. */
export class HidPosDecoder {
  constructor(layout = STANDARD) {
    this.layout = layout;
    this.state = IDLE;
    this.aim = null;
    this.chunks = [];
    this.len = 0;
  }

  /** Data bytes of a scan in progress. */
  get pending() {
    return this.len;
  }

  /** Whether a multi-report scan is under way (time it out with `abort`). */
  get inProgress() {
    return this.state !== IDLE;
  }

  reset() {
    this.state = IDLE;
    this.aim = null;
    this.chunks = [];
    this.len = 0;
  }

  /** Abandons a scan in progress: `{kind: 'Incomplete', len}` if reports were pending. */
  abort() {
    const was = this.state;
    const len = this.len;
    this.reset();
    return was === ASSEMBLING ? { kind: 'Incomplete', len } : null;
  }

  fail(continued, error) {
    this.reset();
    if (continued) this.state = DISCARDING;
    return { error };
  }

  /**
   * Feeds one input report (Uint8Array, report ID first when the layout has one).
   * Returns `{frame: {aim, data}}` when a scan is complete, `{error}` for a fault, or
   * null while more is to come.
   */
  push(report) {
    if (report.length === 0) return null;
    const l = this.layout;
    if (l.reportId !== null && report[0] !== l.reportId) {
      return { error: { kind: 'ForeignReport', found: report[0] } };
    }
    const need = reportLen(l);
    const flags = report[l.continuedAt];
    if (flags === undefined) {
      return this.fail(this.state !== IDLE, { kind: 'Short', len: report.length, need });
    }
    const continued = (flags & l.continuedMask) !== 0;
    if (report.length < need) return this.fail(continued, { kind: 'Short', len: report.length, need });
    if (this.state === DISCARDING) {
      if (!continued) this.reset();
      return null;
    }
    const declared = report[l.lengthAt];
    if (declared > l.maxData || l.dataAt + declared > report.length) {
      return this.fail(continued, { kind: 'BadLength', declared, max: l.maxData });
    }
    const data = report.subarray(l.dataAt, l.dataAt + declared);
    let aim = null;
    if (l.aimAt !== null && l.aimAt + 3 <= report.length) {
      const field = report.subarray(l.aimAt, l.aimAt + 3);
      if (!(field[0] === 0 && field[1] === 0 && field[2] === 0)) {
        const parsed = parseAim(field);
        if (parsed.error) return this.fail(continued, { kind: 'BadAim', aim: parsed.error });
        aim = parsed.aim;
      }
    }
    if (declared === 0 && this.state === IDLE) return null;
    if (this.aim !== null && aim !== null && this.aim !== aim) {
      return this.fail(continued, { kind: 'AimChanged' });
    }
    if (this.aim === null && aim !== null) {
      if (this.len === 0) this.aim = aim;
      else return this.fail(continued, { kind: 'AimChanged' });
    }
    if (this.len + declared > MAX_SCAN_LEN) {
      return this.fail(continued, { kind: 'TooLong', max: MAX_SCAN_LEN });
    }
    this.chunks.push(data.slice());
    this.len += declared;
    if (continued) {
      this.state = ASSEMBLING;
      return null;
    }
    const all = new Uint8Array(this.len);
    let at = 0;
    for (const c of this.chunks) {
      all.set(c, at);
      at += c.length;
    }
    const frameAim = this.aim;
    this.reset();
    return { frame: frameAim !== null ? { aim: frameAim, data: all } : fromScanData(all) };
  }
}

/** A whole report from WebHID's `inputreport` event (report ID and the bytes after it). */
export function fromWebHid(reportId, dataView, layout = STANDARD) {
  const body = new Uint8Array(dataView.buffer, dataView.byteOffset, dataView.byteLength);
  if (layout.reportId === null) return body.slice();
  const out = new Uint8Array(body.length + 1);
  out[0] = reportId;
  out.set(body, 1);
  return out;
}

/** Splits scan data into reports (the inverse of the decoder): for tests and emulation. */
export function encodeReports(layout, aim, data) {
  const out = [];
  const chunk = Math.max(layout.maxData, 1);
  const parts = [];
  for (let i = 0; i < data.length; i += chunk) parts.push(data.subarray(i, i + chunk));
  if (parts.length === 0) parts.push(new Uint8Array(0));
  parts.forEach((part, i) => {
    const r = new Uint8Array(reportLen(layout));
    if (layout.reportId !== null) r[0] = layout.reportId;
    r[layout.lengthAt] = Math.min(part.length, 255);
    if (layout.aimAt !== null && aim) for (let k = 0; k < 3; k++) r[layout.aimAt + k] = aim.charCodeAt(k);
    r.set(part, layout.dataAt);
    if (i + 1 < parts.length) r[layout.continuedAt] |= layout.continuedMask;
    out.push(r);
  });
  return out;
}

/** The error as Rust's `Debug` prints it (`Short { len: 3, need: 64 }`), for comparisons. */
export function debugError(e) {
  if (!e) return 'None';
  const fields = (o) => {
    const keys = Object.keys(o).filter((k) => k !== 'kind');
    return keys.length ? ` { ${keys.map((k) => `${k}: ${o[k]}`).join(', ')} }` : '';
  };
  if (e.kind === 'BadAim') return `BadAim(${e.aim.kind}${fields(e.aim)})`;
  return e.kind + fields(e);
}

/** Plain words for a decoder fault, for the page. */
export function errorWords(e) {
  switch (e.kind) {
    case 'ForeignReport': return `the scanner sent report ${e.found}, which is not scan data`;
    case 'Short': return `a report of ${e.len} bytes was too short`;
    case 'BadLength': return 'a report declared more data than it can hold';
    case 'AimChanged': return 'the barcode type changed part-way through the scan';
    case 'BadAim': return 'the barcode type identifier was unreadable';
    case 'TooLong': return 'the scan was too long';
    case 'Incomplete': return 'the scan was cut short';
    default: return 'the scanner sent something unreadable';
  }
}
