// Shared by every page: the session, API calls, the page frame (navigation, who is signed
// in, sign out, a hand-over in progress), announcements for screen readers, and small DOM
// helpers. No innerHTML anywhere: the pages run under Trusted Types, and every piece of
// data reaches the screen through textContent.
//
// Two kinds of session. A person signs in through the browser (the OpenID Connect
// provider, or a demo user by name): the service keeps the session and sets an HttpOnly
// cookie this script never sees, plus `bedside_csrf`, whose value every state-changing
// call echoes in X-CSRF-Token. An API token pasted on the sign-in page (only where neither
// is offered) is kept in sessionStorage (this tab only) and sent as a bearer token.

const TOKEN_KEY = 'bedside.token';
const ROLE_KEY = 'bedside.role';

/** How long an API call may take before the page says the service did not answer. */
export const API_TIMEOUT_MS = 15000;

/**
 * The pages, in navigation order, and the roles that may use them. A page with
 * `ready: false` would keep a page's place without showing it. A new page: write its
 * .html and .js, add both to ASSETS in service/src/server/ui.rs, and list it here.
 */
export const PAGES = [
  { id: 'scan', href: '/ui/scan', label: 'Scan wristband', roles: ['nurse', 'pharmacist', 'admissions'], ready: true },
  { id: 'medicines', href: '/ui/medicines', label: 'Medicines check', roles: ['nurse', 'pharmacist'], ready: true },
  { id: 'wristbands', href: '/ui/wristbands', label: 'Wristbands', roles: ['admissions', 'nurse'], ready: true },
  { id: 'recalls', href: '/ui/recalls', label: 'Recalls', roles: ['pharmacist'], ready: true },
  { id: 'audit', href: '/ui/audit', label: 'Audit trail', roles: ['admin'], ready: true },
  // Reached from the signed-in person's name, not the navigation.
  { id: 'account', href: '/ui/account', label: 'Your badge and PIN', roles: ['nurse', 'pharmacist', 'admissions', 'integrator', 'admin'], ready: true, nav: false },
];

/** The page a role lands on after signing in, or null when no page serves it. */
export function homeFor(role) {
  const page = PAGES.find((p) => p.ready && p.nav !== false && p.roles.includes(role));
  return page ? page.href : null;
}

export function storedToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** The browser session's CSRF token (the `bedside_csrf` cookie), or null without one. */
export function csrfToken() {
  for (const part of document.cookie.split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === 'bedside_csrf' && v) return v;
  }
  return null;
}

export function storeSession(token, role) {
  sessionStorage.setItem(TOKEN_KEY, token);
  sessionStorage.setItem(ROLE_KEY, role);
}

/**
 * A signed-in page left unused this long ends its session: on a shared ward PC the next
 * person must not record a dose as the last one. Keys, clicks, touches, the wheel and every
 * API call (so every scan, keyboard or HID) count as use; a mouse merely moving does not.
 */
export const IDLE_SIGN_OUT_MS = 10 * 60 * 1000;

let idleTimer = null;

/** Restarts the idle clock of a started page (see IDLE_SIGN_OUT_MS). */
export function stillHere() {
  if (idleTimer === null) return;
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => signOut('idle'), IDLE_SIGN_OUT_MS);
}

function watchIdle() {
  if (idleTimer !== null) return;
  for (const type of ['keydown', 'pointerdown', 'touchstart', 'wheel']) {
    document.addEventListener(type, stillHere, { capture: true, passive: true });
  }
  idleTimer = setTimeout(() => signOut('idle'), IDLE_SIGN_OUT_MS);
}

/**
 * Signs out and goes to the sign-in page: forgets a pasted token, or ends the browser
 * session at the service (POST /auth/logout, which also ends it at the provider when the
 * person signed in there and `reason` is `signed_out`).
 */
export async function signOut(reason) {
  const hadToken = !!storedToken();
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(ROLE_KEY);
  const q = new URLSearchParams();
  if (reason) q.set('reason', reason);
  if (reason === 'expired' || reason === 'required' || reason === 'idle') q.set('next', location.pathname);
  let next = '/ui/sign-in' + (q.toString() ? '?' + q : '');
  const csrf = csrfToken();
  if (!hadToken && csrf) {
    try {
      const resp = await fetch('/auth/logout', {
        method: 'POST',
        headers: { Accept: 'application/json', 'X-CSRF-Token': csrf },
        credentials: 'same-origin',
        cache: 'no-store',
        redirect: 'error',
        signal: AbortSignal.timeout(API_TIMEOUT_MS),
      });
      const data = resp.ok ? await resp.json() : null;
      // The provider's own sign-out, when the person chose to sign out.
      if (reason === 'signed_out' && data && typeof data.redirect === 'string' && /^(https?:\/\/|\/auth\/|\/ui\/)/.test(data.redirect)) {
        next = data.redirect;
      }
    } catch (e) {
      // The service did not answer: the session still ends there when idle.
    }
  }
  location.replace(next);
}

/**
 * How a request made with `fetch` directly (a binary answer, a raw body) authenticates:
 * the pasted token as a bearer, or the browser session's cookie with its CSRF token.
 * Returns `{headers, credentials}` to spread into the fetch options.
 */
export function authFor(method, token = storedToken()) {
  const headers = {};
  if (token) headers.Authorization = 'Bearer ' + token;
  else if (method !== 'GET') {
    const csrf = csrfToken();
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  return { headers, credentials: token ? 'omit' : 'same-origin' };
}

/**
 * Calls the JSON API with the session's token. Never throws: the answer is
 * `{ok, status, data}` (data: the parsed body, a problem for errors) or
 * `{ok: false, status: 0, network: true}` when the service did not answer in time.
 * A 401 ends the session.
 */
export async function api(method, path, body, token = storedToken()) {
  stillHere();
  const auth = authFor(method, token);
  const headers = { Accept: 'application/json', ...auth.headers };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let resp;
  try {
    resp = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      // A pasted token never travels with cookies; a browser session is only its cookie.
      credentials: auth.credentials,
      redirect: 'error',
      signal: AbortSignal.timeout(API_TIMEOUT_MS),
    });
  } catch (e) {
    return { ok: false, status: 0, network: true, data: null };
  }
  let data = null;
  try {
    data = await resp.json();
  } catch (e) {
    data = null;
  }
  if (resp.status === 401 && token === storedToken()) signOut(token || csrfToken() ? 'expired' : 'required');
  return { ok: resp.ok, status: resp.status, data };
}

/**
 * Sends a raw body (a camera frame) with the session's token, like `api()`: never throws,
 * answers `{ok, status, data, retryAfter}` (`retryAfter`: seconds from a 429/503), a 401
 * ends the session. Unlike `api()` it does not count as use for the idle sign-out: frames
 * flow while a camera is on, so only a scan or a click keeps the session.
 */
export async function apiBinary(method, path, body, contentType, token = storedToken()) {
  const auth = authFor(method, token);
  let resp;
  try {
    resp = await fetch(path, {
      method,
      headers: { ...auth.headers, Accept: 'application/json', 'Content-Type': contentType },
      body,
      cache: 'no-store',
      credentials: auth.credentials,
      redirect: 'error',
      signal: AbortSignal.timeout(API_TIMEOUT_MS),
    });
  } catch (e) {
    return { ok: false, status: 0, network: true, data: null };
  }
  let data = null;
  try {
    data = await resp.json();
  } catch (e) {
    data = null;
  }
  if (resp.status === 401 && token === storedToken()) signOut(token || csrfToken() ? 'expired' : 'required');
  const retryAfter = Number.parseInt(resp.headers.get('Retry-After') || '', 10);
  return { ok: resp.ok, status: resp.status, data, retryAfter: Number.isFinite(retryAfter) ? retryAfter : null };
}

/** Creates an element with attributes and children (strings become text nodes). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * A result icon, each a different shape so colour is never the only signal:
 * `tick` (circle with a tick), `cross` (octagon with a cross), `warn` (triangle with !),
 * `busy` (circle with dots).
 */
export function icon(kind) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 48 48');
  svg.setAttribute('class', 'result__icon');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const add = (tag, attrs) => {
    const n = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
    svg.append(n);
  };
  const stroke = { fill: 'none', stroke: 'currentColor', 'stroke-width': '5', 'stroke-linecap': 'round', 'stroke-linejoin': 'round' };
  if (kind === 'tick') {
    add('circle', { cx: 24, cy: 24, r: 21, fill: 'none', stroke: 'currentColor', 'stroke-width': 3 });
    add('path', { d: 'M13 25l7 7 15-16', ...stroke });
  } else if (kind === 'cross') {
    add('path', { d: 'M16 3h16l13 13v16L32 45H16L3 32V16z', fill: 'none', stroke: 'currentColor', 'stroke-width': 3 });
    add('path', { d: 'M16 16l16 16M32 16L16 32', ...stroke });
  } else if (kind === 'warn') {
    add('path', { d: 'M24 3L46 44H2z', fill: 'none', stroke: 'currentColor', 'stroke-width': 3, 'stroke-linejoin': 'round' });
    add('path', { d: 'M24 17v13', ...stroke });
    add('circle', { cx: 24, cy: 37, r: 2.8, fill: 'currentColor' });
  } else {
    add('circle', { cx: 24, cy: 24, r: 21, fill: 'none', stroke: 'currentColor', 'stroke-width': 3, 'stroke-dasharray': '6 5' });
    for (const x of [14, 24, 34]) add('circle', { cx: x, cy: 24, r: 3, fill: 'currentColor' });
  }
  return svg;
}

let announceSeq = 0;

/**
 * Says `text` to screen readers through the page's live regions: `#announce`
 * (assertive, for results) or `#status` (polite). The region is emptied first so the
 * same words said twice are announced twice.
 */
export function announce(text, { polite = false } = {}) {
  const region = document.getElementById(polite ? 'status' : 'announce');
  if (!region) return;
  const mine = ++announceSeq;
  region.textContent = '';
  setTimeout(() => {
    if (mine === announceSeq || polite) region.textContent = text;
  }, 50);
}

/** `14:02:11` in UK time. */
export function clockTime(ms = Date.now()) {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).format(new Date(ms));
}

/** `18-Jan-2026 14:02:11` in UK time. */
export function dateTime(ms) {
  const d = new Date(ms);
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London', day: '2-digit', month: 'short', year: 'numeric',
    hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).formatToParts(d).map((p) => [p.type, p.value]));
  return `${parts.day}-${parts.month.slice(0, 3)}-${parts.year} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** Words for a problem answer that is not a decision (HTTP status and the problem's detail). */
export function problemWords(r) {
  if (r.network) return 'The service did not answer. Nothing was checked.';
  const detail = r.data && typeof r.data.detail === 'string' ? r.data.detail : '';
  switch (r.status) {
    case 401: return 'Your sign-in is no longer valid. Sign in again.';
    case 403: return 'Your role may not do this. ' + detail;
    case 429: return 'Too many requests from this sign-in. Wait a moment and scan again.';
    case 503: return 'The service cannot check now: ' + (detail || 'a dependency is down') + '.';
    default: return `The service refused the request (${r.status}): ${detail || 'no detail'}.`;
  }
}

function renderFrame(current, me) {
  const role = me.role;
  const nav = document.getElementById('nav');
  if (nav) {
    const list = el('ul', { class: 'nav' });
    for (const p of PAGES) {
      if (!p.ready || p.nav === false || !p.roles.includes(role)) continue;
      list.append(el('li', {}, el('a', { href: p.href, 'aria-current': p.id === current ? 'page' : null }, p.label)));
    }
    nav.replaceChildren(list);
  }
  const who = document.getElementById('who');
  if (who) {
    const button = el('button', { type: 'button', id: 'sign-out' }, 'Sign out');
    button.addEventListener('click', () => signOut('signed_out'));
    const person = me.signed_in_by === 'token' ? null : me.display_name;
    who.replaceChildren(
      el('span', {}, 'Signed in as ',
        person ? el('a', { class: 'who__name', id: 'who-name', href: '/ui/account' }, person) : '',
        person ? ' (' : '',
        el('span', { class: 'who__role', id: 'who-role' }, role),
        person ? ')' : ''),
      button,
    );
  }
  renderHandover(me);
}

/** A hand-over in progress: who is acting, for whom, and the way back. */
function renderHandover(me) {
  const main = document.getElementById('main');
  const old = document.getElementById('handover-banner');
  if (old) old.remove();
  if (!me.handover || !main) return;
  const end = el('button', { type: 'button', class: 'button button--secondary', id: 'handover-end' }, 'End hand-over');
  end.addEventListener('click', async () => {
    end.disabled = true;
    const r = await api('DELETE', '/v1/me/handover');
    if (r.ok) location.reload();
    else end.disabled = false;
  });
  const banner = el('div', { class: 'notice notice--handover', id: 'handover-banner', role: 'status' },
    el('strong', {}, `${me.display_name} is acting`),
    ` on ${me.handover.signed_in_display_name}'s sign-in, for one task. It ends when the dose is recorded or after 2 minutes without use. `,
    end);
  main.prepend(banner);
}

/**
 * Starts a page: requires a session, asks the service who the token belongs to, draws
 * the navigation for that role, and refuses pages the role may not use. Resolves to
 * `{role, tokenId}`, or null when the page must not run.
 */
export async function startPage(id) {
  const page = PAGES.find((p) => p.id === id);
  if (!storedToken() && !csrfToken()) {
    signOut('required');
    return null;
  }
  const r = await api('GET', '/v1/me');
  if (r.status === 401) return null;
  const main = document.getElementById('main');
  if (!r.ok || !r.data || typeof r.data.role !== 'string') {
    const live = [...main.querySelectorAll('[aria-live]')];
    main.replaceChildren(el('h1', {}, 'Cannot start'), el('p', { class: 'notice', role: 'alert' }, problemWords(r)), ...live);
    return null;
  }
  const role = r.data.role;
  sessionStorage.setItem(ROLE_KEY, role);
  renderFrame(id, r.data);
  if (!page || !page.roles.includes(role)) {
    const home = homeFor(role);
    const live = [...main.querySelectorAll('[aria-live]')];
    main.replaceChildren(
      el('h1', {}, 'Not available for your role'),
      el('p', { class: 'notice', role: 'alert' }, `The ${role} role cannot use this page.`),
      home ? el('p', {}, el('a', { href: home }, 'Go to your page')) : '',
      ...live,
    );
    return null;
  }
  watchIdle();
  return { role, tokenId: r.data.token_id, me: r.data };
}

const TONES = ['go', 'stop', 'wait', 'idle', 'busy'];

/**
 * Redraws a result panel: `tone` go (green) / stop (red) / wait (amber) / idle / busy,
 * an icon shape, a heading in words, then the body. The heading gets focus only when
 * asked (`focus: true`); results are announced through the live region separately.
 */
export function showResult(section, { tone, iconKind, title, body = [], focus = false }) {
  section.classList.remove(...TONES.map((t) => 'result--' + t));
  section.classList.add('result--' + tone);
  section.dataset.tone = tone;
  const heading = el('h2', { id: section.id + '-title', tabindex: '-1' }, title);
  section.replaceChildren(el('div', { class: 'result__head' }, iconKind ? icon(iconKind) : null, heading), ...body);
  if (focus) heading.focus();
}

/** Whether an API `patient` has everything the nurse must confirm; anything less is not shown as a match. */
export function completePatient(p) {
  return !!p && ['family', 'given', 'date_of_birth', 'nhs_number_display'].every(
    (k) => typeof p[k] === 'string' && p[k].trim() !== '',
  );
}

/** The identity to confirm, exactly as the API gives it: FAMILY, Given; DOB; NHS number 3 3 4. */
export function identityList(p) {
  return el('dl', { class: 'identity' },
    el('dt', {}, 'Name'), el('dd', { class: 'identity__name' }, `${p.family}, ${p.given}`),
    el('dt', {}, 'Born'), el('dd', { class: 'identity__dob' }, p.date_of_birth),
    el('dt', {}, 'NHS number'), el('dd', { class: 'identity__nhs' }, p.nhs_number_display));
}

/** One sentence naming the identity, for screen readers. */
export function identityWords(p) {
  return `${p.family}, ${p.given}, born ${p.date_of_birth}, NHS number ${p.nhs_number_display}`;
}
