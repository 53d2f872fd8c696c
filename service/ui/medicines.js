// The medicines check page: wristband + pack + staff badge (+ second checker, location)
// scans, quantity and route; POST /v1/administrations/verify answers GIVE (green, tick),
// WARNING (amber, triangle) or STOP (red, octagon) with every problem in plain words; a
// nurse records the dose (POST /v1/administrations), with an override reason for a warning.
//
// Scans go to the slot their content names (8018 wristband, 8017 badge, 01/02 or EAN pack,
// 414 location) so the order of scanning does not matter; anything else goes to the slot
// that has focus or the first empty one. Any change clears the answer, a new patient clears
// the other scans, and everything is cleared after IDLE_TTL_MS without activity.

import {
  announce, api, clockTime, completePatient, el, identityList, identityWords, problemWords,
  showResult, startPage,
} from './common.js';
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
];

const form = document.getElementById('check-form');
const section = document.getElementById('result');
const quantity = document.getElementById('quantity');
const route = document.getElementById('route');
const orderId = document.getElementById('order-id');
const errorSummary = document.getElementById('error-summary');
const errorList = document.getElementById('error-list');
const scans = {};
let role = null;
let seq = 0;
let idleTimer = null;
let tick = null;
let lastActivity = 0;

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
  scans[slot] = { text, at: Date.now() };
  drawSlot(slot);
  invalidate();
  errorSummary.hidden = true;
  announce(`${SLOTS[slot].name[0].toUpperCase()}${SLOTS[slot].name.slice(1)} scanned.` +
    (newPatient ? ' New patient: the other scans were cleared.' : ''), { polite: true });
  nextFocus().focus();
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
  for (const slot of Object.keys(SLOTS)) drawSlot(slot);
  invalidate();
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    check();
  });
  for (const field of [quantity, route, orderId]) {
    field.addEventListener('input', () => {
      activity();
      invalidate();
    });
  }
  document.querySelectorAll('[data-clear]').forEach((b) => b.addEventListener('click', () => {
    const slot = b.dataset.clear;
    delete scans[slot];
    drawSlot(slot);
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
  window.bedsideScanner = scanner;
  window.addEventListener('pageshow', (e) => {
    if (e.persisted) clearAll();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && lastActivity && Date.now() - lastActivity >= IDLE_TTL_MS) expire();
  });
  slotInput('patient').focus();
}
