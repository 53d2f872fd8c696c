// The signed-in person's account: link their staff badge by scanning it (once), set the
// hand-over PIN, and hand this PC over to another person for one task (their badge scan
// and PIN). PINs are typed into password fields; scans arrive from the scanner as on every
// page (a scan typed into a field is not a scan).

import { announce, api, el, homeFor, problemWords, startPage } from './common.js';
import { refusalWords } from './capture.js';
import { startScanner } from './scanner.js';

const errorBox = document.getElementById('account-error');
const errorText = document.getElementById('account-error-text');
const badgeState = document.getElementById('badge-state');
const pinState = document.getElementById('pin-state');
const handoverBadge = document.getElementById('handover-badge');
let me = null;
let handoverScan = null;

function fail(words, field) {
  errorText.textContent = words;
  errorBox.hidden = false;
  for (const f of document.querySelectorAll('.field--error')) f.classList.remove('field--error');
  for (const i of document.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
  if (field) {
    document.getElementById(field + '-field').classList.add('field--error');
    document.getElementById(field).setAttribute('aria-invalid', 'true');
  }
  errorBox.focus();
}

function clearError() {
  errorBox.hidden = true;
  for (const f of document.querySelectorAll('.field--error')) f.classList.remove('field--error');
  for (const i of document.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
}

function render() {
  if (me.badge) {
    badgeState.replaceChildren('Linked: badge ', el('span', { class: 'hash', id: 'badge-gsrn' }, me.badge),
      '. Only an administrator can change it.');
  } else {
    badgeState.replaceChildren(el('strong', {}, 'Not linked yet.'), ' Scan your own staff badge now to link it.');
  }
  pinState.textContent = me.has_pin ? 'You have set a PIN. Set a new one below to change it.'
    : me.badge ? 'You have not set a PIN.' : 'Link your badge first, then set a PIN.';
  document.getElementById('pin-save').disabled = !me.badge;
  handoverBadge.value = handoverScan ? 'Scanned' : 'Waiting for scan';
}

async function linkBadge(text) {
  clearError();
  const r = await api('PUT', '/v1/me/badge', { badge_scan: text });
  if (!r.ok) {
    fail(r.status === 409 || r.status === 422 ? r.data.detail : problemWords(r));
    return;
  }
  me = r.data;
  render();
  announce('Your badge is linked.');
}

function onScan(text) {
  if (!me.badge) {
    linkBadge(text);
    return;
  }
  handoverScan = text;
  render();
  announce('Badge scanned. They type their PIN, then Hand over.');
  document.getElementById('handover-pin').focus();
}

document.getElementById('pin-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  clearError();
  const pin = document.getElementById('pin').value;
  const again = document.getElementById('pin-again').value;
  if (!/^[0-9]{4,8}$/.test(pin)) {
    fail('A PIN is 4 to 8 digits.', 'pin');
    return;
  }
  if (pin !== again) {
    fail('The two PINs are not the same. Type them again.', 'pin-again');
    return;
  }
  const r = await api('PUT', '/v1/me/pin', { pin });
  document.getElementById('pin').value = '';
  document.getElementById('pin-again').value = '';
  if (!r.ok) {
    fail(r.status === 422 || r.status === 409 ? r.data.detail : problemWords(r), r.status === 422 ? 'pin' : null);
    return;
  }
  me = r.data;
  render();
  announce('Your PIN is set.');
});

document.getElementById('handover-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  clearError();
  const pinInput = document.getElementById('handover-pin');
  const pin = pinInput.value;
  pinInput.value = '';
  if (!handoverScan) {
    fail('Scan their staff badge first.');
    return;
  }
  if (!/^[0-9]{4,8}$/.test(pin)) {
    fail('A PIN is 4 to 8 digits.', 'handover-pin');
    return;
  }
  const r = await api('POST', '/v1/me/handover', { badge_scan: handoverScan, pin });
  if (!r.ok) {
    const words = {
      pin_incorrect: () => `Wrong PIN. ${r.data.attempts_left} tries left before their badge locks for 15 minutes.`,
      badge_locked: () => 'Their badge is locked for 15 minutes after wrong PINs.',
      pin_not_set: () => 'They have not set a PIN: they sign in once on their own account and set one.',
      badge_not_linked: () => 'Nobody has linked this badge: its owner signs in once and scans it.',
      own_badge: () => 'That is your own badge. The other person scans theirs.',
    }[r.data && r.data.code];
    if (r.data && r.data.code !== 'pin_incorrect') handoverScan = null;
    render();
    fail(words ? words() : problemWords(r), r.data && r.data.code === 'pin_incorrect' ? 'handover-pin' : null);
    return;
  }
  announce(`${r.data.display_name} is now acting on this PC.`);
  location.assign(homeFor(r.data.role) || '/ui/scan');
});

const started = await startPage('account');
if (started) {
  me = started.me;
  if (me.signed_in_by === 'token') {
    document.getElementById('token-note').hidden = false;
  } else if (me.handover) {
    document.getElementById('badge-section').hidden = false;
    badgeState.textContent = 'A hand-over is in progress: end it to manage the account signed in here.';
  } else {
    for (const id of ['badge-section', 'pin-section', 'handover-section']) document.getElementById(id).hidden = false;
    render();
    startScanner({
      onStart: () => {},
      onScan: (text) => onScan(text),
      onRefused: (result) => fail(refusalWords(result)),
      onHidState: () => {},
    });
  }
}
