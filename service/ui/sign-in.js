// Sign in: paste an API token; the service says whose it is (GET /v1/me); the token is
// kept in sessionStorage (this tab only, gone when it closes), never in localStorage.

import { PAGES, api, homeFor, storeSession } from './common.js';

const form = document.getElementById('sign-in-form');
const input = document.getElementById('token');
const errorBox = document.getElementById('sign-in-error');
const errorText = document.getElementById('sign-in-error-text');
const message = document.getElementById('sign-in-message');
const params = new URLSearchParams(location.search);

const MESSAGES = {
  signed_out: 'You have signed out.',
  expired: 'Your sign-in is no longer valid. Sign in again.',
  required: 'Sign in to use Bedside.',
  idle: 'Signed out after 10 minutes without use, so no one else can act as you. Sign in again.',
};
if (MESSAGES[params.get('reason')]) {
  message.textContent = MESSAGES[params.get('reason')];
  message.hidden = false;
}

/** Only pages of this UI may be returned to (no open redirect). */
function nextPage(role) {
  const next = params.get('next');
  const page = PAGES.find((p) => p.ready && p.href === next);
  if (page && page.roles.includes(role)) return page.href;
  return homeFor(role);
}

function fail(words) {
  errorText.textContent = words;
  errorBox.hidden = false;
  document.getElementById('token-field').classList.add('field--error');
  input.setAttribute('aria-invalid', 'true');
  errorBox.focus();
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const token = input.value.trim();
  // The form the service accepts (crypto::split_token): bsd.<id>.<secret>, each part
  // 1 to 128 letters, digits, '-' or '_'.
  if (!/^bsd\.[A-Za-z0-9_-]{1,128}\.[A-Za-z0-9_-]{1,128}$/.test(token)) {
    fail('That is not an API token: a token looks like bsd.<name>.<secret>.');
    return;
  }
  const r = await api('GET', '/v1/me', undefined, token);
  if (r.status === 401) {
    fail('The service does not know this token (or it was revoked).');
    return;
  }
  if (!r.ok || !r.data || typeof r.data.role !== 'string') {
    fail(r.network ? 'The service did not answer. Try again.' : `The service could not sign you in (${r.status}).`);
    return;
  }
  const home = nextPage(r.data.role);
  if (!home) {
    fail(`The ${r.data.role} role has no pages in this application.`);
    return;
  }
  storeSession(token, r.data.role);
  input.value = '';
  location.assign(home);
});

input.focus();
