// Sign in. What is offered comes from GET /auth/methods:
// - the OpenID Connect provider (the trust's single sign-on, NHS CIS2): a link to
//   /auth/login, which comes back signed in through the service's own callback;
// - without a provider, with demo data on: the demo's users by name (POST /auth/demo);
// - API tokens, pasted (kept in sessionStorage: this tab only, never localStorage), where
//   no provider is configured: the only way without demo data, a fold-out with it.
// People's sessions are the service's (an HttpOnly cookie this script never sees).

import { PAGES, api, el, homeFor, storeSession } from './common.js';

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

function fail(words, field) {
  errorText.textContent = words;
  errorBox.hidden = false;
  if (field) {
    document.getElementById('token-field').classList.add('field--error');
    input.setAttribute('aria-invalid', 'true');
  }
  errorBox.focus();
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const token = input.value.trim();
  // The form the service accepts (crypto::split_token): bsd.<id>.<secret>, each part
  // 1 to 128 letters, digits, '-' or '_'.
  if (!/^bsd\.[A-Za-z0-9_-]{1,128}\.[A-Za-z0-9_-]{1,128}$/.test(token)) {
    fail('That is not an API token: a token looks like bsd.<name>.<secret>.', true);
    return;
  }
  const r = await api('GET', '/v1/me', undefined, token);
  if (r.status === 401) {
    fail('The service does not know this token (or it was revoked).', true);
    return;
  }
  if (!r.ok || !r.data || typeof r.data.role !== 'string') {
    fail(r.network ? 'The service did not answer. Try again.' : `The service could not sign you in (${r.status}).`, true);
    return;
  }
  const home = nextPage(r.data.role);
  if (!home) {
    fail(`The ${r.data.role} role has no pages in this application.`, true);
    return;
  }
  storeSession(token, r.data.role);
  input.value = '';
  location.assign(home);
});

async function demoSignIn(user, button) {
  button.disabled = true;
  let resp;
  try {
    resp = await fetch('/auth/demo', {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify({ user }),
      credentials: 'same-origin',
      cache: 'no-store',
      redirect: 'error',
      signal: AbortSignal.timeout(15000),
    });
  } catch (e) {
    button.disabled = false;
    fail('The service did not answer. Try again.');
    return;
  }
  const data = await resp.json().catch(() => null);
  if (!resp.ok || !data || typeof data.role !== 'string') {
    button.disabled = false;
    fail(`The service could not sign you in (${resp.status}${data && data.detail ? ': ' + data.detail : ''}).`);
    return;
  }
  // A token pasted earlier in this tab must not outlive a person's sign-in.
  sessionStorage.clear();
  location.assign(nextPage(data.role) || '/ui/account');
}

async function offer() {
  let methods = null;
  try {
    const resp = await fetch('/auth/methods', { headers: { Accept: 'application/json' }, cache: 'no-store', credentials: 'omit' });
    if (resp.ok) methods = await resp.json();
  } catch (e) {
    methods = null;
  }
  document.getElementById('methods-loading').hidden = true;
  const tokens = document.getElementById('token-section');
  if (!methods) {
    tokens.hidden = false;
    tokens.open = true;
    fail('The service did not say how to sign in. Reload the page to try again.');
    return;
  }
  if (methods.oidc) {
    const link = document.getElementById('oidc-sign-in');
    const next = params.get('next');
    if (next && PAGES.some((p) => p.ready && p.href === next)) link.href = '/auth/login?next=' + encodeURIComponent(next);
    document.getElementById('oidc-section').hidden = false;
    link.focus();
    return;
  }
  if (methods.demo_users.length > 0) {
    const list = document.getElementById('demo-users');
    for (const u of methods.demo_users) {
      const b = el('button', { type: 'button', class: 'button button--secondary', 'data-user': u.user },
        `${u.display_name}`, el('span', { class: 'hint' }, ` — ${u.role}`));
      b.addEventListener('click', () => demoSignIn(u.user, b));
      list.append(el('li', {}, b));
    }
    document.getElementById('demo-section').hidden = false;
    tokens.hidden = false;
    list.querySelector('button').focus();
    return;
  }
  tokens.hidden = false;
  tokens.open = true;
  input.focus();
}

offer();
