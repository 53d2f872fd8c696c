// Wristbands (admissions, nurse): preview a patient's band made by the service from the
// record (POST /v1/wristbands, PNG), download it as PDF, or print it on a configured printer
// and wait for the printer's confirmation. Nothing here decides what is on the band.

import { announce, api, authFor, el, problemWords, showResult, startPage } from './common.js';

const form = document.getElementById('band-form');
const nhs = document.getElementById('nhs');
const nhsError = document.getElementById('nhs-error');
const mrnField = document.getElementById('mrn-field');
const mrn = document.getElementById('mrn');
const result = document.getElementById('result');
const figure = document.getElementById('preview-figure');
const img = document.getElementById('preview-img');
const caption = document.getElementById('preview-caption');
const printForm = document.getElementById('print-form');
const printer = document.getElementById('printer');
let previewUrl = null;

/** A 10-digit NHS number with a valid modulus-11 check digit, or null. */
export function nhsDigits(text) {
  const digits = String(text).replace(/\s+/g, '');
  if (!/^\d{10}$/.test(digits)) return null;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  const want = check === 11 ? 0 : check;
  return want !== 10 && want === Number(digits[9]) ? digits : null;
}

function request(format) {
  const body = {
    nhs_number: nhsDigits(nhs.value),
    format,
    size: document.getElementById('size').value,
    dpi: Number(document.getElementById('dpi').value),
    alert: document.getElementById('alert').checked,
    gs1_128: document.getElementById('linear').checked,
  };
  if (!mrnField.hidden && mrn.value) body.hospital_number = mrn.value;
  if (format === 'png') body.landscape = true;
  return body;
}

/** POST /v1/wristbands for a file: `{ok, blob}` or `{ok: false, status, data}` (a problem). */
async function fetchBand(body) {
  try {
    const auth = authFor('POST');
    const resp = await fetch('/v1/wristbands', {
      method: 'POST',
      headers: { ...auth.headers, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      cache: 'no-store',
      credentials: auth.credentials,
      redirect: 'error',
      signal: AbortSignal.timeout(30000),
    });
    if (resp.ok) return { ok: true, blob: await resp.blob() };
    let data = null;
    try { data = await resp.json(); } catch (e) { data = null; }
    return { ok: false, status: resp.status, data };
  } catch (e) {
    return { ok: false, status: 0, network: true, data: null };
  }
}

function refuse(r) {
  if (r.status === 409 && r.data && r.data.code === 'choose_hospital_number' && Array.isArray(r.data.hospital_numbers)) {
    mrn.replaceChildren(...r.data.hospital_numbers.map((m) => el('option', { value: m }, m)));
    mrnField.hidden = false;
    showResult(result, { tone: 'wait', iconKind: 'warn', title: 'Choose the hospital number',
      body: [el('p', {}, 'This patient has more than one hospital number. Choose the one for this band, then preview again.')] });
    result.hidden = false;
    announce('Choose the hospital number, then preview again.');
    mrn.focus();
    return;
  }
  const words = r.status === 404 || r.status === 409 || r.status === 422
    ? (r.data && r.data.detail) || problemWords(r)
    : problemWords(r);
  showResult(result, { tone: 'stop', iconKind: 'cross', title: 'No band made', body: [el('p', {}, words)], focus: true });
  result.hidden = false;
  announce('No band made. ' + words);
}

function checkNhs() {
  const ok = nhsDigits(nhs.value) !== null;
  nhsError.hidden = ok;
  document.getElementById('nhs-field').classList.toggle('field--error', !ok);
  nhsError.textContent = ok ? '' : 'Enter a 10-digit NHS number with a valid check digit.';
  nhs.setAttribute('aria-invalid', ok ? 'false' : 'true');
  if (!ok) nhs.focus();
  return ok;
}

async function preview(event) {
  event.preventDefault();
  if (!checkNhs()) return;
  figure.hidden = true;
  printForm.hidden = true;
  showResult(result, { tone: 'busy', iconKind: 'busy', title: 'Making the band…' });
  result.hidden = false;
  const r = await fetchBand(request('png'));
  if (!r.ok) {
    refuse(r);
    return;
  }
  if (previewUrl) URL.revokeObjectURL(previewUrl);
  previewUrl = URL.createObjectURL(r.blob);
  img.src = previewUrl;
  img.alt = 'Preview of the wristband for NHS number ' + nhs.value.trim();
  caption.textContent = 'Check the name, date of birth and NHS number on the band against the record and the patient before printing.';
  figure.hidden = false;
  showResult(result, { tone: 'go', iconKind: 'tick', title: 'Band ready to check',
    body: [el('p', {}, 'The preview below is the band as it will print. Check it, then print.')], focus: true });
  announce('Band ready. Check the preview, then print.');
  printForm.hidden = printer.options.length === 0;
}

async function pdf() {
  if (!checkNhs()) return;
  const r = await fetchBand(request('pdf'));
  if (!r.ok) {
    refuse(r);
    return;
  }
  const url = URL.createObjectURL(r.blob);
  const a = el('a', { href: url, download: `wristband-${nhsDigits(nhs.value)}.pdf` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  announce('PDF downloaded. Print it at actual size.', { polite: true });
}

async function print(event) {
  event.preventDefault();
  const body = request('zpl');
  body.printer = printer.value;
  body.copies = Math.min(9, Math.max(1, Number(document.getElementById('copies').value) || 1));
  showResult(result, { tone: 'busy', iconKind: 'busy', title: `Printing on ${printer.value}…` });
  const r = await api('POST', '/v1/wristbands', body);
  if (r.ok && r.data && r.data.printed === true) {
    showResult(result, { tone: 'go', iconKind: 'tick', title: 'Printed',
      body: [el('p', {}, r.data.message || 'Printed and confirmed by the printer.')], focus: true });
    announce('Printed and confirmed by the printer.');
    return;
  }
  const detail = (r.data && r.data.detail) || problemWords(r);
  const maybe = r.data && r.data.may_have_printed === true;
  showResult(result, { tone: maybe ? 'wait' : 'stop', iconKind: maybe ? 'warn' : 'cross',
    title: maybe ? 'Not confirmed: check the printer' : 'Not printed',
    body: [el('p', {}, detail)], focus: true });
  announce((maybe ? 'Not confirmed. ' : 'Not printed. ') + detail);
}

const me = await startPage('wristbands');
if (me) {
  form.addEventListener('submit', preview);
  document.getElementById('pdf').addEventListener('click', pdf);
  printForm.addEventListener('submit', print);
  nhs.addEventListener('input', () => { mrnField.hidden = true; mrn.replaceChildren(); figure.hidden = true; printForm.hidden = true; });
  const r = await api('GET', '/v1/printers');
  if (r.ok && r.data && Array.isArray(r.data.printers)) {
    printer.replaceChildren(...r.data.printers.map((p) => el('option', { value: p }, p)));
  }
  nhs.focus();
}
