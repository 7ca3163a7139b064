// The chair's session as one tab sees it. The session cookie belongs to the browser's login:
// every tab shares it and the server keeps it across its own restarts. The CSRF token belongs to
// the session, not to the page: a tab that does not have it (a new tab, a reload, a restart of
// the server) or whose token went stale (a new login in another tab) asks the server for it
// again (GET /api/chair/session) and sends the refused request once more — a request refused
// for its CSRF token changed nothing.

let csrf = null;

async function loadCsrf() {
  try {
    const response = await fetch('/api/chair/session', { credentials: 'same-origin' });
    const data = await response.json().catch(() => ({}));
    csrf = response.ok && typeof data.csrf === 'string' ? data.csrf : '';
  } catch {
    csrf = null; // offline: ask again next time
  }
}

/** The token the login answered with (the session it just made). */
export function setCsrf(token) {
  csrf = token;
}

/** After a logout: this tab has no session any more. */
export function forgetCsrf() {
  csrf = null;
}

/**
 * fetch() for the chair's API. State-changing calls carry the session's CSRF token; a refusal
 * for a missing or stale token fetches the token again and retries once.
 */
export async function chairFetch(path, { method = 'GET', headers = {}, body } = {}) {
  const changing = method !== 'GET' && method !== 'HEAD';
  const send = () => fetch(path, {
    method,
    body,
    credentials: 'same-origin',
    headers: changing ? { ...headers, 'X-CSRF-Token': csrf || '' } : headers,
  });
  if (changing && csrf === null) await loadCsrf();
  let response = await send();
  if (changing && response.status === 401) {
    const data = await response.clone().json().catch(() => ({}));
    if (data.error === 'csrf') {
      await loadCsrf();
      response = await send();
    }
  }
  return response;
}
