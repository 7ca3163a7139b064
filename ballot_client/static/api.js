/**
 * The one fetch-and-error helper of every page: JSON requests with a timeout, and the two kinds
 * of failure a page tells apart — the server answered with an error (`HttpError`: its status,
 * code, reference, its message in the current language and, for 503, how long to wait) or it
 * could not be reached (`NetworkError`).
 *
 * The chair's pages pass `fetcher: chairFetch` (the session's CSRF token); the committee page
 * adds its credential header; the phone sends no cookie.
 */

import { getLang, has, t } from '/static/i18n.js';

export class HttpError extends Error {
  constructor(status, body, retryAfter) {
    super(body?.message_en || `HTTP ${status}`);
    this.status = status;
    this.body = body ?? {};
    this.code = this.body.error ?? (status >= 500 ? 'server' : 'http');
    this.reference = this.body.reference;
    this.retryAfter = retryAfter; // seconds, from the Retry-After header of a 503
  }

  /** The message in the current language: ours for the codes we word, else the server's. */
  text() {
    if (has(`error.${this.code}`)) return t(`error.${this.code}`);
    const own = (getLang() === 'en' ? this.body.message_en : this.body.message) || this.body.message;
    if (own) return own;
    return this.status >= 500 ? t('error.server') : `HTTP ${this.status}`;
  }
}

export class NetworkError extends Error {
  constructor(cause) {
    super('network');
    this.cause = cause;
    this.code = 'network';
  }

  text() {
    return t('error.network');
  }
}

/**
 * A request to the server; resolves to `{status, data}` (the JSON answer, or null) or throws
 * `HttpError` / `NetworkError`. `body` is sent as JSON, or as it is with `contentType` (a file).
 */
export async function api(path, {
  method = 'GET', body, contentType, headers = {}, timeout = 20000, fetcher, credentials = 'omit',
} = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  const sent = { Accept: 'application/json', ...headers };
  let payload;
  if (body !== undefined) {
    sent['Content-Type'] = contentType ?? 'application/json';
    payload = contentType ? body : JSON.stringify(body);
  }
  let response;
  try {
    response = await (fetcher ?? fetch)(path, {
      method, headers: sent, body: payload, cache: 'no-store', credentials, signal: controller.signal,
    });
  } catch (error) {
    throw new NetworkError(error);
  } finally {
    clearTimeout(timer);
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const retryAfter = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
    throw new HttpError(response.status, data, Number.isFinite(retryAfter) ? retryAfter : undefined);
  }
  return { status: response.status, data };
}

/** `api()`'s JSON answer alone. */
export async function apiData(path, options) {
  return (await api(path, options)).data;
}
