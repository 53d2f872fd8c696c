// Keyboard-wedge capture: a scanner that "types" its data. The same rules as the Rust
// wedge decoder (drivers/scanner/src/decode/wedge.rs), applied to the browser's key events.
//
// * GS (FNC1, 0x1D) has no key. It is rebuilt as a real U+001D when it arrives as
//   Ctrl+] (judged by the key's position, `code === "BracketRight"`, so it works whatever
//   the keyboard layout), as an Alt+keypad decimal code (Alt+0029; any Alt+keypad code is
//   honoured, like the Rust decoder), or as a key event whose key is U+001D itself.
// * Anything else printable is kept exactly as typed, AIM prefix (`]d2`) included. A
//   scanner programmed to send a substitute for GS (e.g. `|`) reaches the service with the
//   substitute, and the service's `gs_substitute` setting turns it back into GS: the one
//   place to configure the substitute is the service.
// * A scan is a burst: at least MIN_CHARS characters, on average at most MAX_MEAN_GAP_MS
//   apart, no pause over MAX_GAP_MS, ended by Enter or Tab (the scanner's suffix). Slower
//   input is a person typing and is refused: identification only ever comes from the band.
// * A key the scanner would never send in the middle of a scan (an arrow, Backspace, a
//   chord other than Ctrl+] and Alt+keypad) spoils the whole scan: a mangled scan is never
//   delivered, not even in part. So does input that stops without the suffix.

export const GS = '\u001d';

export const DEFAULTS = Object.freeze({
  minChars: 6,
  maxMeanGapMs: 50,
  maxGapMs: 300,
  idleMs: 600,
  maxChars: 4096,
});

const MODIFIER_KEYS = new Set([
  'Shift', 'Control', 'Alt', 'AltGraph', 'Meta', 'CapsLock', 'NumLock', 'ScrollLock', 'Fn', 'OS', 'Hyper', 'Super',
]);

/** Key event fields the assembler reads, from a DOM KeyboardEvent. */
export function keyFields(e) {
  return {
    type: e.type,
    key: e.key,
    code: e.code,
    ctrlKey: e.ctrlKey,
    altKey: e.altKey,
    metaKey: e.metaKey,
    altGraph: typeof e.getModifierState === 'function' && e.getModifierState('AltGraph'),
    capsLock: typeof e.getModifierState === 'function' && e.getModifierState('CapsLock'),
    t: e.timeStamp,
  };
}

function describe(ev) {
  const mods = [ev.ctrlKey && 'Ctrl', ev.altKey && 'Alt', ev.metaKey && 'Meta'].filter(Boolean);
  return [...mods, ev.key || ev.code || '?'].join('+');
}

/**
 * Turns key events into scans. Pure: no DOM, no clock (times come with the events), so
 * the browser tests drive it with exact timings.
 *
 * `handle(ev)` returns `{consumed, started, result}`: `consumed` means the key belongs
 * to a scan (the page prevents its default action); `started` is set once, when enough
 * fast keys arrived to say a scan is coming (the page clears the previous result then);
 * `result` ends a scan: `{kind: 'scan', text, ms}`, `{kind: 'typed', why}` or
 * `{kind: 'fault', reason}`. `idle(t)` ends input that stopped without a suffix.
 */
export class WedgeAssembler {
  constructor(opts = {}) {
    this.o = { ...DEFAULTS, ...opts };
    this.reset();
  }

  reset() {
    this.text = '';
    this.count = 0;
    this.times = [];
    this.fault = null;
    this.altCode = null;
    this.announced = false;
    this.caps = false;
  }

  /** Whether keys of an unfinished scan are pending. */
  get active() {
    return this.times.length > 0 || this.fault !== null || this.altCode !== null;
  }

  get lastTime() {
    return this.times.length ? this.times[this.times.length - 1] : null;
  }

  handle(ev) {
    const wasActive = this.active;
    if (ev.type === 'keyup') {
      if (ev.key === 'Alt' && this.altCode !== null) {
        const code = this.altCode;
        this.altCode = null;
        if (code > 255) this.spoil(`Alt+keypad code ${code} is not a character`);
        else this.put(String.fromCharCode(code));
        return { consumed: true, started: this.checkStarted(), result: null };
      }
      return { consumed: wasActive, started: false, result: null };
    }
    if (ev.type !== 'keydown') return { consumed: false, started: false, result: null };
    const { key, code } = ev;
    if (MODIFIER_KEYS.has(key)) return { consumed: wasActive, started: false, result: null };
    const terminator = (key === 'Enter' || key === 'Tab') && !ev.ctrlKey && !ev.altKey && !ev.metaKey;
    // A terminator after a pause still ends what was typed (and says it was typed).
    const restarted = !terminator && this.afterPause(ev.t);
    const r = this.keydown(ev, wasActive && !restarted);
    if (restarted) r.restarted = true;
    return r;
  }

  /**
   * A key after a pause longer than maxGapMs: keys before it that looked like a scan make
   * the whole input a fault (a scan that paused part-way is never delivered in part);
   * keys that looked like a person typing are dropped and a new input starts here.
   * Returns true in the second case.
   */
  afterPause(t) {
    if (!this.active || this.lastTime === null || t - this.lastTime <= this.o.maxGapMs) return false;
    if (this.looksScanned()) {
      this.spoil('the scan paused part-way through');
      return false;
    }
    this.reset();
    return true;
  }

  keydown(ev, wasActive) {
    const { key, code } = ev;
    const noChord = !ev.ctrlKey && !ev.altKey && !ev.metaKey;
    if ((key === 'Enter' || key === 'Tab') && noChord) {
      if (!wasActive) return { consumed: false, started: false, result: null };
      this.times.push(ev.t);
      const result = this.finish();
      return { consumed: true, started: false, result };
    }
    if (ev.altKey && !ev.ctrlKey && !ev.metaKey && /^Numpad[0-9]$/.test(code)) {
      const digit = code.charCodeAt(6) - 48;
      this.altCode = Math.min((this.altCode ?? 0) * 10 + digit, 100000);
      this.times.push(ev.t);
      return { consumed: true, started: false, result: null };
    }
    let ch = null;
    if (key === GS) ch = GS;
    else if (ev.ctrlKey && !ev.altKey && !ev.metaKey && (code === 'BracketRight' || key === ']')) ch = GS;
    else if ([...key].length === 1 && (noChord || ev.altGraph)) ch = key;
    if (ch === null) {
      if (!wasActive) return { consumed: false, started: false, result: null };
      this.spoil(`unexpected key ${describe(ev)} in the middle of a scan`);
      this.times.push(ev.t);
      return { consumed: true, started: false, result: null };
    }
    if (ch === ' ' && !wasActive) {
      // Space on its own is a person pressing a button, never the start of a scan.
      return { consumed: false, started: false, result: null };
    }
    this.times.push(ev.t);
    if (ev.capsLock) this.caps = true;
    this.put(ch);
    return { consumed: true, started: this.checkStarted(), result: null };
  }

  put(ch) {
    // Characters after a fault still count: they tell a scanner's burst from typing.
    this.count += 1;
    if (this.fault) return;
    if (this.count > this.o.maxChars) {
      this.spoil(`scan longer than ${this.o.maxChars} characters`);
      return;
    }
    this.text += ch;
  }

  spoil(reason) {
    if (!this.fault) this.fault = reason;
  }

  meanGap() {
    const n = this.times.length;
    return n < 2 ? Infinity : (this.times[n - 1] - this.times[0]) / (n - 1);
  }

  maxGap() {
    let max = 0;
    for (let i = 1; i < this.times.length; i++) max = Math.max(max, this.times[i] - this.times[i - 1]);
    return max;
  }

  /** Enough keys, fast enough, to be a scanner rather than a person. */
  looksScanned() {
    return this.count >= this.o.minChars && this.meanGap() <= this.o.maxMeanGapMs;
  }

  checkStarted() {
    if (this.announced || this.fault || this.count < 3) return false;
    if (this.meanGap() > this.o.maxMeanGapMs) return false;
    this.announced = true;
    return true;
  }

  finish() {
    // A person's keys are typing whatever else happened (a Backspace is theirs to press);
    // a scanner's burst with anything wrong in it is a fault.
    let result;
    if (this.count < this.o.minChars) result = { kind: 'typed', why: 'short' };
    else if (this.meanGap() > this.o.maxMeanGapMs) result = { kind: 'typed', why: 'slow' };
    else if (this.fault) result = { kind: 'fault', reason: this.fault };
    else if (this.altCode !== null) result = { kind: 'fault', reason: 'an Alt+keypad code was not finished' };
    else if (this.maxGap() > this.o.maxGapMs) result = { kind: 'fault', reason: 'the scan paused part-way through' };
    else {
      result = { kind: 'scan', text: this.text, ms: this.times[this.times.length - 1] - this.times[0] };
      // Caps Lock flips the letters of a scanner that does not allow for it (`]d2` → `]D2`).
      if (this.caps) result.capsLock = true;
    }
    this.reset();
    return result;
  }

  /**
   * Called when no key came for a while. Input that looked like a scan but never got its
   * suffix is a fault (the scanner needs an Enter or Tab suffix); anything else is a
   * person who stopped typing and is dropped quietly (`{kind: 'abandoned'}`).
   */
  idle(t) {
    if (!this.active || this.lastTime === null || t - this.lastTime < this.o.idleMs) return null;
    const result = this.looksScanned()
      ? { kind: 'fault', reason: this.fault || 'the scan did not end with Enter or Tab: set the scanner to send an Enter suffix' }
      : { kind: 'abandoned' };
    this.reset();
    return result;
  }
}

/** Whether typing into `node` is ordinary typing (an editable form control). */
export function isEditable(node) {
  if (!(node instanceof Element)) return false;
  if (node.isContentEditable) return true;
  const tag = node.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return !node.readOnly;
  if (tag !== 'INPUT') return false;
  if (node.readOnly) return false;
  return !['button', 'submit', 'reset', 'checkbox', 'radio', 'file', 'image', 'range', 'color'].includes(node.type);
}

/**
 * Listens to the whole document. Keys aimed at anything that is not an editable field
 * (the page's read-only scan fields, buttons, links, the page itself) are captured: the
 * keys of a scan never reach the page. In an editable field (quantity, order) keys are
 * only watched: a burst that turns out to be a scan, or a spoilt one, is taken out of the
 * field again (its value restored) and delivered like any other; typing is left alone.
 *
 * handlers: `onStart()` when a scan is coming, `onScan(text, {ms, target})`,
 * `onRefused(result, {target})` for typed, pasted or spoilt input. Returns `stop()`.
 */
export function attachWedge(handlers, opts = {}) {
  const asm = new WedgeAssembler(opts);
  let shadow = null; // {el, value} while a burst goes into an editable field
  let timer = null;

  const deliver = (result, target) => {
    if (!result || result.kind === 'abandoned') return;
    if (shadow && result.kind === 'typed') {
      // A person typing in an editable field: that is the field's business.
      shadow = null;
      return;
    }
    if (shadow) {
      shadow.el.value = shadow.value;
      shadow.el.dispatchEvent(new Event('input', { bubbles: true }));
      shadow = null;
    }
    if (result.kind === 'scan') handlers.onScan(result.text, { ms: result.ms, target, capsLock: !!result.capsLock });
    else handlers.onRefused(result, { target });
  };

  const arm = () => {
    clearTimeout(timer);
    if (!asm.active) return;
    // Every key re-arms this timer, so when it fires the keyboard has been quiet for
    // idleMs (measured by the timer, not by comparing clocks).
    timer = setTimeout(() => {
      const r = asm.idle(asm.lastTime + asm.o.idleMs);
      if (r) deliver(r, document.activeElement);
    }, asm.o.idleMs);
  };

  const onKey = (e) => {
    if (e.isComposing) return;
    const target = e.target;
    const editable = isEditable(target);
    if (editable && !asm.active && e.type === 'keydown') shadow = { el: target, value: target.value };
    const r = asm.handle(keyFields(e));
    // Typing before a pause was dropped: the field's value now is where a scan would start.
    if (r.restarted && editable) shadow = { el: target, value: target.value };
    const scanned = r.result && (r.result.kind === 'scan' || r.result.kind === 'fault');
    if (r.consumed && (!editable || scanned)) {
      e.preventDefault();
      e.stopPropagation();
    }
    if (r.started && handlers.onStart) handlers.onStart({ target });
    if (r.result) deliver(r.result, target);
    if (!asm.active && !r.result && editable) shadow = null;
    arm();
  };

  const onPaste = (e) => {
    if (isEditable(e.target)) return;
    e.preventDefault();
    handlers.onRefused({ kind: 'pasted' }, { target: e.target });
  };

  document.addEventListener('keydown', onKey, true);
  document.addEventListener('keyup', onKey, true);
  document.addEventListener('paste', onPaste, true);
  return () => {
    clearTimeout(timer);
    document.removeEventListener('keydown', onKey, true);
    document.removeEventListener('keyup', onKey, true);
    document.removeEventListener('paste', onPaste, true);
  };
}

/** Plain words for a refused input. */
export function refusalWords(result) {
  switch (result.kind) {
    case 'typed':
      return result.why === 'short'
        ? 'That was a key press, not a scan. Scan the barcode.'
        : 'That was typed, not scanned. Typed entries are never used to identify anyone: scan the barcode.';
    case 'pasted':
      return 'Pasted text is not a scan. Scan the barcode.';
    case 'fault':
      return `The scan was not read (${result.reason}). Scan again.`;
    default:
      return 'The input was not a scan. Scan the barcode.';
  }
}
