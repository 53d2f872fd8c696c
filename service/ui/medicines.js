// The medicines check page: wristband + pack + staff badge (+ second checker, location)
// scans, quantity and route; POST /v1/administrations/verify answers GIVE (green, tick),
// WARNING (amber, triangle) or STOP (red, octagon) with every problem in plain words; a
// nurse records the dose (POST /v1/administrations), with an override reason for a warning.
//
// Scans go to the slot their content names (8018 wristband, 8017 badge, 01/02 or EAN pack,
// 414 location) so the order of scanning does not matter; anything else goes to the slot
// that has focus or the first empty one. Any change clears the answer, a new patient clears
// the other scans, and everything is cleared after IDLE_TTL_MS without activity.
//
// The chart: as soon as a wristband is scanned the page asks who it is (POST /v1/identify)
// and, for a match only, shows the patient's chart (GET /v1/patients/{nhs}/medications):
// the allergy statement first ("not recorded" in amber, never read as none), then the
// orders active or on hold. The chart is never green: it says what was prescribed, not
// that anything may be given; only the check answers that. When a check names the order
// the pack meets, that row is marked.

import {
  announce, api, clockTime, completePatient, el, icon, identityList, identityWords, problemWords,
  showResult, startPage,
} from './common.js';
import { startCamera } from './camera.js';
import { refusalWords } from './capture.js';
import { hidAvailable, startScanner, symbologyWords } from './scanner.js';

/** Scans and answers are cleared after this long without a scan, check or record. */
export const IDLE_TTL_MS = 120000;

const SLOTS = {
  patient: { required: true, name: 'the patient wristband', empty: 'Waiting for scan' },
  product: { required: true, name: 'the medicine pack', empty: 'Waiting for scan' },
  staff: { required: true, name: 'your staff badge', empty: 'Waiting for scan' },
  checker: { required: false, name: "the second checker's badge", empty: 'Not scanned (optional)' },
  location: { required: false, name: 'the location', empty: 'Not scanned (optional)' },
};

export const OVERRIDE_REASONS = [
  ['prescriber_consulted', 'Prescriber consulted'],
  ['clinical_need_documented', 'Clinical need documented'],
  ['timing_agreed_with_prescriber', 'Timing agreed with the prescriber'],
  ['recall_notice_checked', 'Recall notice checked'],
  ['expiry_checked_on_pack', 'Expiry checked on the pack'],
  ['allergies_checked_with_patient', 'Allergies checked with the patient'],
];

const form = document.getElementById('check-form');
const section = document.getElementById('result');
const quantity = document.getElementById('quantity');
const route = document.getElementById('route');
const orderId = document.getElementById('order-id');
const checkerPin = document.getElementById('checker-pin');
/** Whether a person is signed in (not an API token): then a second checker types their PIN. */
let person = false;
const errorSummary = document.getElementById('error-summary');
const errorList = document.getElementById('error-list');
const scans = {};
let role = null;
let seq = 0;
let idleTimer = null;
let tick = null;
let lastActivity = 0;
/** The chart on show: `{scan, nhs}` once loaded, so a check can mark its order. */
let chart = null;
let chartSeq = 0;
const chartSection = document.getElementById('chart');
const chartBody = document.getElementById('chart-body');

const slotInput = (slot) => document.getElementById('slot-' + slot);

/** Which slot a scan's content names, or null when it does not say. */
export function kindOf(text) {
  if (/^\](d2|C1|Q3|e0|J1)/.test(text)) {
    const data = text.slice(3);
    if (data.startsWith('8018')) return 'patient';
    if (data.startsWith('8017')) return 'badge';
    if (data.startsWith('01') || data.startsWith('02')) return 'product';
    if (data.startsWith('414')) return 'location';
    return null;
  }
  if (/^\]E[04]/.test(text)) return 'product';
  return null;
}

function accepts(slot, kind) {
  if (kind === null) return true;
  if (kind === 'badge') return slot === 'staff' || slot === 'checker';
  return slot === kind;
}

function drawSlot(slot) {
  const input = slotInput(slot);
  const box = document.getElementById(`slot-${slot}-box`);
  const clear = box.querySelector('[data-clear]');
  const s = scans[slot];
  input.value = s ? `Scanned ${clockTime(s.at)}` : SLOTS[slot].empty;
  document.getElementById(`slot-${slot}-kind`).textContent = s ? symbologyWords(s.text) : '';
  box.classList.toggle('slot--filled', !!s);
  clear.hidden = !s;
  if (slot === 'checker') {
    // A new or cleared checker badge never keeps the last checker's PIN.
    checkerPin.value = '';
    document.getElementById('checker-pin-field').hidden = !(s && person);
  }
}

function nextFocus() {
  for (const slot of Object.keys(SLOTS)) if (SLOTS[slot].required && !scans[slot]) return slotInput(slot);
  if (!quantity.value) return quantity;
  if (!route.value) return route;
  return document.getElementById('check');
}

function invalidate() {
  seq += 1;
  stopClock();
  markOrder(null);
  showResult(section, {
    tone: 'idle', iconKind: null, title: 'Not checked yet',
    body: [el('p', {}, 'Scan, then check. The answer shows here.')],
  });
}

function stopClock() {
  clearInterval(tick);
}

function activity() {
  lastActivity = Date.now();
  clearTimeout(idleTimer);
  idleTimer = setTimeout(expire, IDLE_TTL_MS);
}

function clearAll(keep = []) {
  for (const slot of Object.keys(SLOTS)) {
    if (keep.includes(slot)) continue;
    delete scans[slot];
    drawSlot(slot);
  }
  if (!keep.includes('patient')) hideChart();
  if (!keep.includes('dose')) {
    quantity.value = '';
    route.value = '';
    orderId.value = '';
  }
  errorSummary.hidden = true;
  invalidate();
}

function expire() {
  if (!Object.keys(scans).length && section.dataset.tone === 'idle') return;
  clearAll();
  showResult(section, {
    tone: 'idle', iconKind: null, title: 'Not checked yet',
    body: [el('p', {}, `Everything was cleared after ${IDLE_TTL_MS / 60000} minutes without activity. Scan again.`)],
  });
  announce('Scans cleared after a period without activity.', { polite: true });
}

function putScan(text, target) {
  const focused = target && target.dataset && target.dataset.slot ? target.dataset.slot : null;
  const kind = kindOf(text);
  let slot = null;
  if (focused && accepts(focused, kind)) slot = focused;
  else if (kind === 'badge') slot = !scans.staff ? 'staff' : !scans.checker ? 'checker' : null;
  else if (kind) slot = kind;
  else slot = Object.keys(SLOTS).find((s) => SLOTS[s].required && !scans[s]) || null;
  activity();
  if (!slot) {
    const words = kind === 'badge'
      ? 'Both badges are already scanned. Clear one, or choose its field, then scan again.'
      : 'This scan could not be placed. Choose the field it belongs to, then scan again.';
    announce(words);
    showResult(section, { tone: 'wait', iconKind: 'warn', title: 'SCAN NOT PLACED', body: [el('p', {}, words)] });
    return;
  }
  const newPatient = slot === 'patient' && scans.patient && scans.patient.text !== text;
  if (newPatient) clearAll(['staff', 'location']);
  const chartNeeded = slot === 'patient' && (!chart || chart.scan !== text);
  scans[slot] = { text, at: Date.now() };
  drawSlot(slot);
  invalidate();
  errorSummary.hidden = true;
  announce(`${SLOTS[slot].name[0].toUpperCase()}${SLOTS[slot].name.slice(1)} scanned.` +
    (newPatient ? ' New patient: the other scans were cleared.' : ''), { polite: true });
  nextFocus().focus();
  if (chartNeeded) loadChart(text);
}

// ---- The chart ----------------------------------------------------------------------

function hideChart() {
  chartSeq += 1;
  chart = null;
  chartSection.hidden = true;
  chartSection.setAttribute('aria-busy', 'false');
  chartBody.replaceChildren();
}

/** A notice inside the chart section: `wait` (amber, triangle) or `stop` (red, octagon). */
function chartNotice(tone, title, words) {
  return el('div', { class: `chart-notice chart-notice--${tone}`, 'data-tone': tone },
    icon(tone === 'stop' ? 'cross' : 'warn'),
    el('div', {}, el('p', { class: 'chart-notice__title' }, title), words ? el('p', {}, words) : null));
}

function showChartOnly(...children) {
  chartSection.hidden = false;
  chartSection.setAttribute('aria-busy', 'false');
  chartBody.replaceChildren(...children);
}

const CRITICALITY = { high: 'High criticality', low: 'Low criticality', 'unable-to-assess': 'Criticality not assessed' };

/** The allergy panel: what the record says, "not recorded" never shown as none. */
export function allergyPanel(a) {
  const status = a && typeof a.status === 'string' ? a.status : '';
  const entries = a && Array.isArray(a.entries) ? a.entries : [];
  const heading = el('h3', { id: 'allergies-title' }, 'Allergies');
  if (status === 'none_known') {
    return el('div', { class: 'allergies allergies--none', id: 'allergies', 'data-status': status }, heading,
      el('p', { class: 'allergies__statement' }, 'No known drug allergies'));
  }
  if (status !== 'recorded') {
    // not_recorded, or anything this page does not know: doubt stays amber.
    return el('div', { class: 'allergies allergies--unknown', id: 'allergies', 'data-status': status || 'unknown' }, heading,
      chartNotice('wait', 'Allergy status not recorded — check with the patient before giving anything', null));
  }
  const active = entries.filter((e) => e.clinical_status === 'active');
  const past = entries.filter((e) => e.clinical_status !== 'active');
  const item = (e) => {
    const high = e.criticality === 'high';
    const reactions = Array.isArray(e.reactions) && e.reactions.length ? ` — reaction: ${e.reactions.map(String).join(', ')}` : '';
    return el('li', { class: high ? 'allergy allergy--high' : 'allergy', 'data-criticality': String(e.criticality) },
      el('strong', { class: 'allergy__substance' }, String(e.substance)), ' — ',
      high ? el('strong', { class: 'allergy__criticality' }, 'HIGH CRITICALITY') : el('span', { class: 'allergy__criticality' }, CRITICALITY[e.criticality] || `Criticality ${String(e.criticality)}`),
      reactions);
  };
  const parts = [heading];
  if (active.length) {
    parts.push(el('p', { class: 'allergies__statement' }, active.length === 1 ? 'Allergic to:' : `Allergic to (${active.length}):`),
      el('ul', { class: 'allergies__active' }, active.map(item)));
  } else {
    parts.push(el('p', { class: 'allergies__statement' }, 'No active allergy recorded.'));
  }
  if (past.length) {
    parts.push(el('p', { class: 'allergies__past-title' }, 'No longer active:'),
      el('ul', { class: 'allergies__past' }, past.map((e) => el('li', {},
        String(e.substance), ` (${String(e.clinical_status)})`))));
  }
  return el('div', { class: 'allergies allergies--recorded', id: 'allergies', 'data-status': status }, ...parts);
}

function interval(minutes) {
  if (typeof minutes !== 'number') return null;
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
}

/** When an order is given, in words: its times, or "as needed" with its limits. */
export function whenWords(o) {
  if (o.kind === 'prn') {
    const parts = ['As needed'];
    const every = interval(o.min_interval_minutes);
    if (every) parts.push(`at least every ${every}`);
    if (typeof o.max_per_24h === 'number' && o.max_per_24h > 0) parts.push(`max ${o.max_per_24h} in 24 h`);
    if (typeof o.max_amount_24h === 'string' && o.max_amount_24h) parts.push(`max ${o.max_amount_24h} in 24 h`);
    return parts.join(', ');
  }
  const times = Array.isArray(o.times) ? o.times.map(String) : [];
  return times.length ? `Regular at ${times.join(', ')}` : 'Regular (no times given)';
}

function orderRow(o) {
  const onHold = o.status === 'on-hold';
  const known = o.status === 'active' || onHold;
  const status = onHold
    ? el('span', { class: 'badge badge--hold' }, 'ON HOLD — do not give')
    : known ? el('span', {}, 'Active') : el('span', { class: 'badge badge--hold' }, `Status ${String(o.status)} — check`);
  const last = o.last_given && o.last_given.display
    ? `${String(o.last_given.display)} by ${String(o.last_given.by)}` : 'None recorded';
  return el('tr', { 'data-order': String(o.id), class: onHold ? 'order order--hold' : 'order' },
    el('th', { scope: 'row' }, el('span', { class: 'order__medicine' }, String(o.medicine)),
      el('span', { class: 'order__id hint' }, `Order ${String(o.id)}`)),
    el('td', {}, String(o.dose)),
    el('td', {}, String(o.route)),
    el('td', { class: 'order__when' }, whenWords(o)),
    el('td', { class: 'order__due' }, o.next_due_display ? String(o.next_due_display) : 'Not set'),
    el('td', { class: 'order__last' }, last),
    el('td', { class: 'order__status' }, status));
}

function ordersTable(orders) {
  const heading = el('h3', { id: 'orders-title' }, 'Medicines prescribed');
  if (!orders.length) {
    return el('div', { class: 'orders' }, heading, el('p', { id: 'orders-none' }, 'No orders active or on hold.'));
  }
  const head = ['Medicine', 'Dose', 'Route', 'When', 'Next due', 'Last given', 'Status'];
  return el('div', { class: 'orders' }, heading,
    el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'orders-caption' },
      el('table', { class: 'chart-table', id: 'orders-table' },
        el('caption', { id: 'orders-caption' }, `Orders active or on hold (${orders.length})`),
        el('thead', {}, el('tr', {}, head.map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', { id: 'orders-rows' }, orders.map(orderRow)))));
}

/** Marks the row of the order a check named, or clears the mark (`null`). */
function markOrder(id) {
  for (const tr of chartBody.querySelectorAll('tr.order--match')) {
    tr.classList.remove('order--match');
    const note = tr.querySelector('.order__match');
    if (note) note.remove();
  }
  if (!id) return;
  const tr = [...chartBody.querySelectorAll('tr[data-order]')].find((r) => r.dataset.order === id);
  if (!tr) return;
  tr.classList.add('order--match');
  tr.querySelector('th').prepend(el('span', { class: 'order__match' }, 'This pack meets this order'));
}

async function loadChart(scan) {
  const mine = ++chartSeq;
  chart = null;
  chartSection.hidden = false;
  chartSection.setAttribute('aria-busy', 'true');
  chartBody.replaceChildren(el('p', {}, 'Reading the chart…'));
  const who = await api('POST', '/v1/identify', { scan });
  if (mine !== chartSeq) return;
  const d = who.data || {};
  if (!who.ok) {
    showChartOnly(chartNotice('wait', 'Chart not shown — the wristband could not be checked', problemWords(who)));
    return;
  }
  if (d.status !== 'match' || !completePatient(d.patient) || !/^[0-9]{10}$/.test(String(d.patient.nhs_number))) {
    const first = Array.isArray(d.reasons) && d.reasons[0] ? String(d.reasons[0].message) : '';
    const tone = d.status === 'unavailable' ? 'wait' : 'stop';
    showChartOnly(chartNotice(tone, 'Chart not shown — the wristband was not confirmed', first || 'Do not proceed.'));
    announce('Chart not shown: the wristband was not confirmed.', { polite: true });
    return;
  }
  const nhs = d.patient.nhs_number;
  const r = await api('GET', `/v1/patients/${encodeURIComponent(nhs)}/medications`);
  if (mine !== chartSeq) return;
  const c = r.data;
  if (!r.ok || !c || c.nhs_number !== nhs || !c.allergies || !Array.isArray(c.orders)) {
    showChartOnly(chartNotice('wait', 'Chart not shown — it cannot be read now', r.ok ? 'The service gave an answer this page does not understand.' : problemWords(r)));
    return;
  }
  chart = { scan, nhs };
  const p = d.patient;
  showChartOnly(
    el('p', { class: 'chart__who' }, 'For ', el('strong', {}, `${p.family}, ${p.given}`),
      `, born ${p.date_of_birth}, NHS number ${p.nhs_number_display}. Confirm with the patient before giving.`),
    allergyPanel(c.allergies),
    ordersTable(c.orders),
  );
  const allergyWords = c.allergies.status === 'none_known' ? 'No known drug allergies.'
    : c.allergies.status === 'recorded' ? 'Allergies recorded: read them first.'
      : 'Allergy status not recorded: check with the patient before giving anything.';
  announce(`Chart shown. ${allergyWords} ${c.orders.length} orders.`, { polite: true });
}

function refused(result) {
  activity();
  const words = refusalWords(result);
  const title = result.kind === 'fault' ? 'SCAN NOT READ — scan again' : 'NOT A SCAN — nothing used';
  showResult(section, { tone: 'stop', iconKind: 'cross', title, body: [el('p', {}, words)] });
  announce(`${title.replace(' — ', '. ')}. ${words}`);
}

function requestBody() {
  const body = {
    patient_scan: scans.patient.text,
    product_scan: scans.product.text,
    staff_scan: scans.staff.text,
    quantity: Number(quantity.value),
    route: route.value,
  };
  if (scans.checker) body.checker_scan = scans.checker.text;
  if (scans.checker && person && checkerPin.value) body.checker_pin = checkerPin.value;
  if (scans.location) body.location_scan = scans.location.text;
  if (orderId.value.trim()) body.order_id = orderId.value.trim();
  return body;
}

function validate() {
  const missing = [];
  for (const [slot, def] of Object.entries(SLOTS)) {
    if (def.required && !scans[slot]) missing.push([`slot-${slot}`, `Scan ${def.name}.`]);
  }
  const q = Number(quantity.value);
  if (!quantity.value || !Number.isFinite(q) || q <= 0 || q > 1000) missing.push(['quantity', 'Enter the quantity, more than 0.']);
  if (!route.value) missing.push(['route', 'Choose the route.']);
  document.getElementById('quantity-field').classList.toggle('field--error', missing.some(([id]) => id === 'quantity'));
  document.getElementById('route-field').classList.toggle('field--error', missing.some(([id]) => id === 'route'));
  if (!missing.length) {
    errorSummary.hidden = true;
    return true;
  }
  errorList.replaceChildren(...missing.map(([id, words]) => {
    const a = el('a', { href: '#' + id }, words);
    a.addEventListener('click', (e) => {
      e.preventDefault();
      document.getElementById(id).focus();
    });
    return el('li', {}, a);
  }));
  errorSummary.hidden = false;
  errorSummary.focus();
  return false;
}

function problemItems(problems) {
  return (Array.isArray(problems) ? problems : []).map((p) => {
    const sev = p.severity === 'block' ? 'Stop: ' : 'Warning: ';
    const item = el('li', { 'data-code': String(p.code) },
      el('strong', {}, sev), String(p.message || ''), ' ',
      el('span', { class: 'code' }, `(right ${String(p.right)}: ${String(p.code)})`));
    if (Array.isArray(p.reasons) && p.reasons.length) {
      item.append(el('ul', {}, p.reasons.map((r) => el('li', {}, String(r.message || r.code)))));
    }
    return item;
  });
}

function detailsList(d) {
  const rows = [];
  const add = (k, v) => {
    if (v !== null && v !== undefined && v !== '') rows.push(el('dt', {}, k), el('dd', {}, String(v)));
  };
  if (d.pack) {
    add('Medicine', d.pack.name || `GTIN ${d.pack.gtin}`);
    add('Batch', d.pack.batch);
    add('Expiry', d.pack.expiry);
    if (d.pack.high_risk) add('High risk', 'yes: a second checker is needed');
  }
  add('Dose this gives', d.dose_given);
  if (d.order) add('Prescribed', `${d.order.dose} ${d.order.route} (${d.order.kind}, order ${d.order.id})`);
  add('Due', d.due_display);
  return rows.length ? el('dl', { class: 'details-list' }, rows) : null;
}

function startClock(meta) {
  stopClock();
  const countdown = el('span', {}, '');
  const update = () => {
    const left = Math.max(0, Math.ceil((lastActivity + IDLE_TTL_MS - Date.now()) / 1000));
    countdown.textContent = `clears in ${left} s`;
  };
  update();
  tick = setInterval(update, 1000);
  return el('p', { class: 'result__meta' }, ...meta, `${clockTime()} · `, countdown);
}

const OUTCOMES = {
  give: { tone: 'go', iconKind: 'tick', title: 'GIVE — all checks passed', say: 'Give. All checks passed.' },
  warn: { tone: 'wait', iconKind: 'warn', title: 'WARNING — give only with a reason', say: 'Warning. Give only with a reason.' },
  stop: { tone: 'stop', iconKind: 'cross', title: 'STOP — do not give', say: 'Stop. Do not give.' },
};

/**
 * The reasons to offer for a warning: those the service says answer every warning
 * (`override_reasons`), in the order and words of OVERRIDE_REASONS. An answer without
 * the list offers none, so nothing can be recorded on a guess.
 */
export function offeredReasons(d) {
  const allowed = Array.isArray(d.override_reasons) ? d.override_reasons : [];
  return OVERRIDE_REASONS.filter(([v]) => allowed.includes(v));
}

function recordControls(d, body) {
  const outcome = d.outcome;
  if (outcome === 'stop') return el('p', {}, 'Do not give. Nothing can be recorded.');
  if (role !== 'nurse') return el('p', {}, 'Only a nurse records a dose.');
  const wrap = el('div', { class: 'actions' });
  let select = null;
  if (outcome === 'warn') {
    select = el('select', { id: 'override-reason', required: true },
      el('option', { value: '' }, 'Choose a reason'),
      offeredReasons(d).map(([v, words]) => el('option', { value: v }, words)));
    wrap.append(el('div', { class: 'field' }, el('label', { for: 'override-reason' }, 'Reason for giving despite the warning'), select));
  }
  const button = el('button', { type: 'button', class: 'button', id: 'record' },
    outcome === 'warn' ? 'Record dose with this reason' : 'Record dose given');
  button.addEventListener('click', () => {
    if (select && !select.value) {
      select.setAttribute('aria-invalid', 'true');
      announce('Choose a reason before recording.');
      select.focus();
      return;
    }
    record({ ...body, ...(select ? { override_reason: select.value } : {}) });
  });
  wrap.append(button);
  return wrap;
}

function renderCheck(d, body, meta, { recorded = null } = {}) {
  const o = OUTCOMES[d.outcome];
  if (!o) {
    showResult(section, {
      tone: 'stop', iconKind: 'cross', title: 'UNEXPECTED ANSWER — do not give',
      body: [el('p', {}, 'The service gave an answer this page does not understand.')], focus: true,
    });
    announce('Unexpected answer. Do not give.');
    return;
  }
  const parts = [];
  const patientOk = completePatient(d.patient);
  if (patientOk) parts.push(el('p', {}, 'Confirm with the patient:'), identityList(d.patient));
  const items = problemItems(d.problems);
  if (items.length) parts.push(el('h3', {}, 'Problems'), el('ul', { class: 'problems' }, items));
  const details = detailsList(d);
  if (details) parts.push(details);
  if (!recorded) parts.push(recordControls(d, body));
  parts.push(startClock(meta));
  showResult(section, { tone: o.tone, iconKind: o.iconKind, title: o.title, body: parts, focus: true });
  const firstProblem = Array.isArray(d.problems) && d.problems[0] ? ` ${d.problems[0].message}` : '';
  announce(`${o.say}${firstProblem}${patientOk ? ` Confirm with the patient: ${identityWords(d.patient)}.` : ''}`);
}

function renderError(r, action) {
  const words = problemWords(r);
  const tone = r.status === 422 ? 'stop' : 'wait';
  const title = r.status === 422 ? `NOT ${action} — the request was refused` : `NOT ${action} — cannot check now`;
  showResult(section, {
    tone, iconKind: tone === 'stop' ? 'cross' : 'warn', title,
    body: [el('p', {}, words), el('p', {}, 'Do not give without the downtime procedure.')], focus: true,
  });
  announce(`${title.replace(' — ', '. ')}. ${words}`);
}

async function check() {
  if (!validate()) return;
  activity();
  const body = requestBody();
  const mine = ++seq;
  showResult(section, { tone: 'busy', iconKind: 'busy', title: 'Checking…', body: [el('p', {}, 'Running every check.')] });
  const r = await api('POST', '/v1/administrations/verify', body);
  if (mine !== seq) return;
  if (!r.ok || !r.data) {
    renderError(r, 'CHECKED');
    return;
  }
  const meta = typeof r.data.decision_id === 'number' ? [`Decision ${r.data.decision_id} · `] : [];
  renderCheck(r.data, body, meta);
  const o = r.data.order;
  const samePatient = chart && chart.scan === body.patient_scan
    && (!r.data.patient || r.data.patient.nhs_number === chart.nhs);
  if (samePatient && o && typeof o.id === 'string') markOrder(o.id);
}

async function record(body) {
  activity();
  const mine = ++seq;
  showResult(section, { tone: 'busy', iconKind: 'busy', title: 'Recording…', body: [el('p', {}, 'Checking again and recording.')] });
  const r = await api('POST', '/v1/administrations', body);
  if (mine !== seq) return;
  const d = r.data || {};
  if (r.status === 201) {
    const who = completePatient(d.patient) ? [el('p', {}, 'Given to:'), identityList(d.patient)] : [];
    // The next dose starts from a fresh wristband scan; the nurse's badge and the place stay.
    clearAll(['staff', 'location']);
    showResult(section, {
      tone: 'go', iconKind: 'tick', title: 'RECORDED — dose given',
      body: [...who, detailsList(d), el('p', { class: 'result__meta' },
        `Record ${d.administration_id} · decision ${d.decision_id} · ${clockTime()}`),
      el('p', {}, 'Scan the next wristband to start the next dose.')].filter(Boolean),
      focus: true,
    });
    announce(`Recorded. Record ${d.administration_id}.`);
    return;
  }
  if (r.status === 200 && d.replayed) {
    showResult(section, {
      tone: 'wait', iconKind: 'warn', title: 'ALREADY RECORDED — do not give again',
      body: [el('p', {}, `This dose was recorded before (record ${d.administration_id}). Do not give it again.`)],
      focus: true,
    });
    announce(`Already recorded. Do not give again. Record ${d.administration_id}.`);
    return;
  }
  if (r.status === 409 && d.code) {
    const titles = {
      duplicate_administration: ['stop', 'cross', 'ALREADY GIVEN — do not give again'],
      recorded_meanwhile: ['stop', 'cross', 'ANOTHER DOSE WAS JUST RECORDED — do not give, scan again'],
      administration_refused: ['stop', 'cross', 'STOP — not recorded, do not give'],
      override_required: ['wait', 'warn', 'NOT RECORDED — a reason is needed'],
      override_reason_not_applicable: ['wait', 'warn', 'NOT RECORDED — that reason does not cover the warnings'],
    };
    const [tone, iconKind, title] = titles[d.code] || ['stop', 'cross', 'NOT RECORDED'];
    const items = problemItems(d.problems);
    showResult(section, {
      tone, iconKind, title,
      body: [el('p', {}, String(d.detail || '')), items.length ? el('ul', { class: 'problems' }, items) : null].filter(Boolean),
      focus: true,
    });
    announce(`${title.replace(' — ', '. ')}. ${d.detail || ''}`);
    return;
  }
  renderError(r, 'RECORDED');
}

const me = await startPage('medicines');
if (me) {
  role = me.role;
  person = me.me.signed_in_by !== 'token';
  for (const slot of Object.keys(SLOTS)) drawSlot(slot);
  invalidate();
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    check();
  });
  for (const field of [quantity, route, orderId, checkerPin]) {
    field.addEventListener('input', () => {
      activity();
      invalidate();
    });
  }
  document.querySelectorAll('[data-clear]').forEach((b) => b.addEventListener('click', () => {
    const slot = b.dataset.clear;
    delete scans[slot];
    drawSlot(slot);
    if (slot === 'patient') hideChart();
    invalidate();
    activity();
    announce(`${SLOTS[slot].name[0].toUpperCase()}${SLOTS[slot].name.slice(1)} cleared.`, { polite: true });
    slotInput(slot).focus();
  }));
  document.getElementById('start-again').addEventListener('click', () => {
    clearAll();
    announce('Started again: everything was cleared.', { polite: true });
    slotInput('patient').focus();
  });
  const scanner = startScanner({
    onStart: () => invalidate(),
    onScan: (text, info) => putScan(text, info.target),
    onRefused: refused,
    onHidState: (words) => {
      document.getElementById('hid-state').textContent = words;
    },
  });
  if (hidAvailable()) {
    document.getElementById('hid-section').hidden = false;
    document.getElementById('hid-connect').addEventListener('click', () => scanner.connectHid());
  }
  // The camera's first GS1 read goes where a scanner's scan would: the slot its content
  // names, else the next empty one.
  startCamera({ start: 'camera-start', stop: 'camera-stop', view: 'camera-view', video: 'camera-video', state: 'camera-state' },
    (text) => putScan(text, null));
  window.bedsideScanner = scanner;
  window.addEventListener('pageshow', (e) => {
    if (e.persisted) clearAll();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && lastActivity && Date.now() - lastActivity >= IDLE_TTL_MS) expire();
  });
  slotInput('patient').focus();
}
