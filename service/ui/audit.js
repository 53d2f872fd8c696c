// The audit trail (admin role): GET /v1/audit/events, newest first, 50 rows a page, each
// row with its hash-chain fields, and the chain verification on the newest page.

import { announce, api, dateTime, el, icon, problemWords, startPage } from './common.js';

const PAGE = 50;
const rows = document.getElementById('audit-rows');
const older = document.getElementById('older');
const caption = document.getElementById('audit-caption');
const verification = document.getElementById('verification');
let nextBefore = null;

/** Short words for a row: decision status, check outcome, refusal, reason and problem codes. */
export function summary(detail) {
  if (!detail || typeof detail !== 'object') return '';
  const parts = [];
  for (const k of ['status', 'outcome', 'refused', 'event', 'imported']) {
    if (detail[k] !== undefined && typeof detail[k] !== 'object') parts.push(`${k}: ${detail[k]}`);
  }
  const codes = (list) => (Array.isArray(list)
    ? list.map((x) => (typeof x === 'string' ? x : x && x.code)).filter((x) => typeof x === 'string')
    : []);
  const reasons = codes(detail.reasons);
  if (reasons.length) parts.push(`reasons: ${reasons.join(', ')}`);
  const problems = codes(detail.problems);
  if (problems.length) parts.push(`problems: ${problems.join(', ')}`);
  return parts.join('; ');
}

function showVerification(v) {
  if (!v) return;
  if (v.ok) {
    verification.replaceChildren(el('p', { class: 'verify verify--ok' }, icon('tick'),
      `Chain verified: all ${v.rows} rows link and match their hashes.`));
  } else {
    const at = v.first_broken ? ` at row ${v.first_broken.seq}: ${v.first_broken.reason}` : '';
    verification.replaceChildren(el('p', { class: 'verify verify--broken' }, icon('cross'),
      `CHAIN BROKEN${at}. The trail may have been altered; tell the information governance lead.`));
  }
}

function row(ev) {
  let detail = null;
  let pretty = ev.detail;
  try {
    detail = JSON.parse(ev.detail);
    pretty = JSON.stringify(detail, null, 2);
  } catch (e) {
    detail = null;
  }
  const time = el('time', { datetime: new Date(ev.at).toISOString() }, dateTime(ev.at));
  const details = el('details', {},
    el('summary', {}, `Row ${ev.seq} details`),
    el('pre', { class: 'detail' }, pretty),
    el('dl', { class: 'details-list hash' },
      el('dt', {}, 'Previous hash'), el('dd', {}, ev.prev_hash),
      el('dt', {}, 'Hash'), el('dd', {}, ev.hash)));
  return el('tr', { 'data-seq': ev.seq },
    el('td', { class: 'num' }, String(ev.seq)),
    el('td', {}, time),
    el('td', {}, ev.actor, ev.actor_name ? el('br') : null, ev.actor_name ? el('span', { class: 'hint' }, ev.actor_name) : null),
    el('td', {}, ev.action),
    el('td', {}, summary(detail)),
    el('td', {}, details));
}

async function load(before) {
  const q = new URLSearchParams({ limit: String(PAGE) });
  if (before) {
    q.set('before', String(before));
    q.set('verify', 'false');
  }
  const r = await api('GET', '/v1/audit/events?' + q);
  if (!r.ok || !r.data || !Array.isArray(r.data.events)) {
    verification.replaceChildren(el('p', { class: 'verify verify--broken' }, icon('warn'), problemWords(r)));
    announce(problemWords(r));
    return;
  }
  if (!before) {
    rows.replaceChildren();
    showVerification(r.data.verification);
  }
  rows.append(...r.data.events.map(row));
  nextBefore = r.data.next_before;
  older.hidden = !nextBefore;
  const shown = rows.children.length;
  caption.textContent = `Audit events: ${shown} shown, newest first`;
  announce(`${r.data.events.length} audit events loaded.`, { polite: true });
}

const me = await startPage('audit');
if (me) {
  older.addEventListener('click', () => load(nextBefore));
  document.getElementById('newest').addEventListener('click', () => load(null));
  await load(null);
}
