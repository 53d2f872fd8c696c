// The scan page: a wristband scan in, a large unambiguous answer out.
// green + tick: MATCH, with the identity to confirm; red + octagon: NO MATCH / CANNOT
// CONFIRM, with each reason and never a name; amber + triangle: CANNOT CHECK NOW.
// A result is cleared after RESULT_TTL_MS, and the moment a new scan starts, so a stale
// green never stands for the next patient.

import {
  announce, api, clockTime, completePatient, el, identityList, identityWords, problemWords,
  showResult, startPage,
} from './common.js';
import { startCamera } from './camera.js';
import { refusalWords } from './capture.js';
import { hidAvailable, startScanner } from './scanner.js';

/** The camera controls in scan.html. */
const CAMERA_IDS = { start: 'camera-start', stop: 'camera-stop', view: 'camera-view', video: 'camera-video', state: 'camera-state' };

/** How long a result stays on screen. */
export const RESULT_TTL_MS = 30000;

const target = document.getElementById('scan-target');
const section = document.getElementById('result');
let seq = 0;
let shownAt = 0;
let ttlTimer = null;
let tick = null;

function setTarget(words) {
  target.value = words;
}

function stopTimers() {
  clearTimeout(ttlTimer);
  clearInterval(tick);
}

function clearResult(words) {
  stopTimers();
  shownAt = 0;
  showResult(section, {
    tone: 'idle', iconKind: null, title: 'No result',
    body: [el('p', {}, words || 'Scan a wristband to see who the patient is.')],
  });
}

function countdownText() {
  const left = Math.max(0, Math.ceil((shownAt + RESULT_TTL_MS - Date.now()) / 1000));
  return `clears in ${left} s`;
}

/** Shows a result and starts its clock. */
function show(opts, meta) {
  stopTimers();
  shownAt = Date.now();
  const countdown = el('span', { id: 'result-countdown' }, countdownText());
  const metaLine = el('p', { class: 'result__meta' }, ...meta, `${clockTime(shownAt)} · `, countdown);
  showResult(section, { ...opts, body: [...opts.body, metaLine] });
  tick = setInterval(() => {
    countdown.textContent = countdownText();
  }, 1000);
  ttlTimer = setTimeout(expire, RESULT_TTL_MS);
  setTarget('Ready — scan the next wristband');
  target.focus();
}

function expire() {
  if (!shownAt) return;
  clearResult(`The last result was cleared after ${RESULT_TTL_MS / 1000} seconds. Scan again to check.`);
  announce('Result cleared.', { polite: true });
}

function reasonList(reasons) {
  const items = (Array.isArray(reasons) ? reasons : []).map((r) => el('li', {},
    String(r.message || 'No detail given.'), ' ', el('span', { class: 'code' }, `(${String(r.code || 'unknown')})`)));
  return items.length ? el('ul', { class: 'reasons' }, items) : el('p', {}, 'No reason was given.');
}

/** Said under a refusal when Caps Lock was on during the scan. */
const CAPS_WORDS = 'Caps Lock was on during the scan, which can change the letters a scanner types. Switch Caps Lock off and scan again.';

function render(r, capsLock = false) {
  const d = r.data || {};
  const caps = capsLock ? [el('p', { class: 'caps-note' }, CAPS_WORDS)] : [];
  const meta = typeof d.decision_id === 'number' ? [`Decision ${d.decision_id} · `] : [];
  if (!r.ok) {
    const words = problemWords(r);
    if (r.status === 422) {
      show({ tone: 'stop', iconKind: 'cross', title: 'NOT A USABLE SCAN — do not proceed', body: [el('p', {}, words)] }, meta);
      announce('Not a usable scan. Do not proceed. ' + words);
    } else {
      const title = r.status === 403 ? 'NOT CHECKED — not allowed' : 'CANNOT CHECK NOW — use the downtime procedure';
      show({ tone: 'wait', iconKind: 'warn', title, body: [el('p', {}, words)] }, meta);
      announce(title.replace(' — ', '. ') + '. ' + words);
    }
    return;
  }
  const first = Array.isArray(d.reasons) && d.reasons[0] ? String(d.reasons[0].message) : '';
  switch (d.status) {
    case 'match':
      if (completePatient(d.patient)) {
        show({
          tone: 'go', iconKind: 'tick', title: 'MATCH — confirm with the patient',
          body: [
            identityList(d.patient),
            el('p', {}, 'Ask the patient to tell you their name and date of birth, and check them against the band and this screen.'),
          ],
        }, meta);
        announce(`Match. Confirm with the patient: ${identityWords(d.patient)}.`);
        return;
      }
      break;
    case 'no_match':
      show({ tone: 'stop', iconKind: 'cross', title: 'NO MATCH — do not proceed', body: [reasonList(d.reasons), ...caps] }, meta);
      announce(`No match. Do not proceed. ${first}`);
      return;
    case 'ambiguous':
      show({
        tone: 'stop', iconKind: 'cross', title: 'CANNOT CONFIRM — more than one patient',
        body: [el('p', {}, 'Do not proceed. The records disagree about who this is.'), reasonList(d.reasons)],
      }, meta);
      announce(`Cannot confirm: more than one patient. Do not proceed. ${first}`);
      return;
    case 'unavailable':
      show({
        tone: 'wait', iconKind: 'warn', title: 'CANNOT CHECK NOW — use the downtime procedure',
        body: [el('p', {}, 'Nothing was confirmed. Follow the local downtime procedure to identify the patient.'), reasonList(d.reasons)],
      }, meta);
      announce(`Cannot check now. Use the downtime procedure. ${first}`);
      return;
    default:
      break;
  }
  show({
    tone: 'stop', iconKind: 'cross', title: 'UNEXPECTED ANSWER — do not proceed',
    body: [el('p', {}, 'The service gave an answer this page does not understand. Nothing is confirmed.')],
  }, meta);
  announce('Unexpected answer. Do not proceed.');
}

async function identify(scan, capsLock) {
  const mine = ++seq;
  stopTimers();
  setTarget('Checking…');
  showResult(section, { tone: 'busy', iconKind: 'busy', title: 'Checking…', body: [el('p', {}, 'Asking the service who this is.')] });
  const r = await api('POST', '/v1/identify', { scan });
  if (mine !== seq) return; // a newer scan superseded this one
  render(r, capsLock);
}

function supersede() {
  seq += 1;
  stopTimers();
  setTarget('Reading scan…');
  showResult(section, { tone: 'busy', iconKind: 'busy', title: 'Reading scan…', body: [el('p', {}, 'A scan is arriving.')] });
}

function refused(result) {
  seq += 1;
  const words = refusalWords(result);
  const title = result.kind === 'fault' ? 'SCAN NOT READ — scan again' : 'NOT A SCAN — nothing checked';
  show({ tone: 'stop', iconKind: 'cross', title, body: [el('p', {}, words)] }, []);
  announce(`${title.replace(' — ', '. ')}. ${words}`);
}

const me = await startPage('scan');
if (me) {
  clearResult();
  const scanner = startScanner({
    onStart: supersede,
    onScan: (text, info) => identify(text, info.capsLock),
    onRefused: refused,
    onHidState: (words) => {
      document.getElementById('hid-state').textContent = words;
    },
  });
  if (hidAvailable()) {
    document.getElementById('hid-section').hidden = false;
    document.getElementById('hid-connect').addEventListener('click', () => scanner.connectHid());
  }
  // The camera's first GS1 read is a scan like any other: identify, audited there.
  startCamera(CAMERA_IDS, (text) => identify(text, false));
  // Tests and integrators attach a device they opened themselves.
  window.bedsideScanner = scanner;
  // A page restored from the back/forward cache or brought back after a while shows no old result.
  window.addEventListener('pageshow', (e) => {
    if (e.persisted) clearResult();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && shownAt && Date.now() - shownAt >= RESULT_TTL_MS) expire();
  });
  setTarget('Ready — scan now');
  target.focus();
}
