// Medicine recalls (pharmacist): the list (GET /v1/recalls), a form to add one
// (POST /v1/recalls; every faulty field the service names is shown at its field) and a
// withdraw button per active recall, confirmed in a dialog with the reason
// (POST /v1/recalls/{id}/withdraw).

import { announce, api, el, problemWords, startPage } from './common.js';

const form = document.getElementById('recall-form');
const formError = document.getElementById('form-error');
const rows = document.getElementById('recall-rows');
const caption = document.getElementById('recalls-caption');
const show = document.getElementById('show');
const dialog = document.getElementById('withdraw-dialog');
const withdrawForm = document.getElementById('withdraw-form');
const withdrawWhat = document.getElementById('withdraw-what');
const withdrawReason = document.getElementById('withdraw-reason');
const withdrawError = document.getElementById('withdraw-error');
const FIELDS = ['reference', 'class', 'action', 'products', 'batches', 'notice', 'url'];
const CLASS_WORDS = { 1: 'Class 1', 2: 'Class 2', 3: 'Class 3', 4: 'Class 4', caution: 'Caution in use' };
let withdrawing = null;

/** The lines of a textarea, trimmed, blank ones dropped. */
function lines(text) {
  return String(text).split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

/**
 * Product lines (`ampp 9000…`) as the API's objects. A line without a known kind is sent as
 * it stands under `gtin`, so the service names it (`products[i].gtin`), never dropped.
 */
export function productsFrom(text) {
  return lines(text).map((line) => {
    const [kind, ...rest] = line.split(/\s+/);
    const code = rest.join('');
    const k = kind.toLowerCase();
    if (['gtin', 'ampp', 'amp'].includes(k) && code) return { [k]: code };
    return { gtin: line };
  });
}

function clearErrors() {
  formError.hidden = true;
  for (const f of FIELDS) {
    const box = document.getElementById(f + '-field');
    const err = document.getElementById(f + '-error');
    box.classList.remove('field--error');
    err.hidden = true;
    err.textContent = '';
    document.getElementById(f).removeAttribute('aria-invalid');
  }
}

/** `products[1].ampp` → products, "Line 2: …". */
function placeError(field, rule) {
  const m = /^([a-z]+)(?:\[(\d+)\])?/.exec(field);
  const name = m && FIELDS.includes(m[1]) ? m[1] : null;
  const words = m && m[2] !== undefined ? `Line ${Number(m[2]) + 1}: ${rule}` : rule;
  if (!name) return false;
  const err = document.getElementById(name + '-error');
  err.textContent = err.textContent ? `${err.textContent} ${words}.` : `${words}.`;
  err.hidden = false;
  document.getElementById(name + '-field').classList.add('field--error');
  document.getElementById(name).setAttribute('aria-invalid', 'true');
  return true;
}

function formFault(words) {
  formError.textContent = words;
  formError.hidden = false;
  formError.focus();
  announce(words);
}

async function add(event) {
  event.preventDefault();
  clearErrors();
  const body = {
    reference: document.getElementById('reference').value,
    class: document.getElementById('class').value,
    action: document.getElementById('action').value,
    products: productsFrom(document.getElementById('products').value),
    batches: lines(document.getElementById('batches').value),
    notice: document.getElementById('notice').value,
  };
  const url = document.getElementById('url').value.trim();
  if (url) body.url = url;
  const button = document.getElementById('add');
  button.disabled = true;
  const r = await api('POST', '/v1/recalls', body);
  button.disabled = false;
  if (r.ok && r.data) {
    form.reset();
    show.value = 'true';
    await load({ quiet: true });
    const n = r.data.gtins.length;
    announce(`Recall ${r.data.reference} added. It covers ${n} GTIN${n === 1 ? '' : 's'}.`);
    return;
  }
  if (r.status === 422 && r.data && Array.isArray(r.data.fields)) {
    const unplaced = r.data.fields.filter((f) => !placeError(f.field, f.rule));
    formFault(`Not added: correct the ${r.data.fields.length === 1 ? 'field' : 'fields'} marked below.`
      + unplaced.map((f) => ` ${f.field}: ${f.rule}.`).join(''));
    return;
  }
  if (r.status === 409 && r.data && r.data.code === 'recall_exists') {
    formFault(`Not added: recall ${r.data.recall_id} with this reference is already active. Withdraw it first to enter a corrected notice.`);
    return;
  }
  formFault('Not added. ' + ((r.status === 422 && r.data && r.data.detail) || problemWords(r)));
}

function productWords(p) {
  if (p.ampp) return `AMPP ${p.ampp}`;
  if (p.amp) return `AMP ${p.amp}`;
  return `GTIN ${p.gtin}`;
}

function row(rc) {
  const status = rc.active
    ? 'Active'
    : `Withdrawn ${new Date(rc.withdrawn.at).toLocaleString('en-GB', { timeZone: 'Europe/London' })}: ${rc.withdrawn.reason}`;
  let action = '';
  if (rc.active) {
    const button = el('button', { type: 'button', class: 'button button--secondary', 'data-withdraw': rc.id },
      'Withdraw', el('span', { class: 'visually-hidden' }, ` ${rc.reference}`));
    button.addEventListener('click', () => ask(rc));
    action = button;
  }
  return el('tr', { 'data-id': rc.id },
    el('td', {}, rc.url ? el('a', { href: rc.url, rel: 'noopener noreferrer' }, rc.reference) : rc.reference),
    el('td', {}, rc.class === null ? 'Not recorded' : CLASS_WORDS[rc.class] || rc.class),
    el('td', {}, rc.action === 'block' ? 'Block' : 'Warn'),
    el('td', {}, rc.products.map(productWords).join(', ')),
    el('td', {}, rc.every_batch ? 'Every batch' : rc.batches.join(', ')),
    el('td', {}, `${rc.gtins.length} GTIN${rc.gtins.length === 1 ? '' : 's'}`),
    el('td', {}, status),
    el('td', {}, action));
}

/** Redraws the list; `quiet` when the caller announces what it did instead. */
async function load({ quiet = false } = {}) {
  const q = show.value === '' ? '' : `?active=${show.value}`;
  const r = await api('GET', '/v1/recalls' + q);
  if (!r.ok || !r.data || !Array.isArray(r.data.recalls)) {
    rows.replaceChildren(el('tr', {}, el('td', { colspan: 8 }, problemWords(r))));
    announce(problemWords(r));
    return;
  }
  rows.replaceChildren(...r.data.recalls.map(row));
  const which = show.selectedOptions[0].textContent;
  caption.textContent = `${which}: ${r.data.recalls.length}, newest first`;
  if (!quiet) announce(`${r.data.recalls.length} recalls shown.`, { polite: true });
}

function ask(rc) {
  withdrawing = rc;
  withdrawWhat.textContent = `${rc.reference} (${rc.class === null ? 'class not recorded' : CLASS_WORDS[rc.class]}) will no longer stop or warn about any pack. It is kept in the list as withdrawn.`;
  withdrawReason.value = '';
  withdrawError.hidden = true;
  withdrawReason.removeAttribute('aria-invalid');
  dialog.showModal();
  withdrawReason.focus();
}

async function confirmWithdraw(event) {
  event.preventDefault();
  const reason = withdrawReason.value.trim();
  if (!reason) {
    withdrawError.textContent = 'Say why the recall no longer applies.';
    withdrawError.hidden = false;
    withdrawReason.setAttribute('aria-invalid', 'true');
    withdrawReason.focus();
    return;
  }
  const rc = withdrawing;
  const r = await api('POST', `/v1/recalls/${rc.id}/withdraw`, { reason });
  if (!r.ok) {
    withdrawError.textContent = 'Not withdrawn. ' + ((r.data && r.data.detail) || problemWords(r));
    withdrawError.hidden = false;
    withdrawReason.focus();
    return;
  }
  dialog.close();
  withdrawing = null;
  await load({ quiet: true });
  show.focus();
  announce(`Recall ${rc.reference} withdrawn.`);
}

const me = await startPage('recalls');
if (me) {
  form.addEventListener('submit', add);
  show.addEventListener('change', () => load());
  withdrawForm.addEventListener('submit', confirmWithdraw);
  document.getElementById('withdraw-cancel').addEventListener('click', () => {
    dialog.close();
    withdrawing = null;
  });
  await load();
}
