/**
 * The phone ballot's one fetch-and-error helper: JSON requests with a timeout, and the two kinds
 * of failure the page tells apart — the server answered with an error (`HttpError`: its code,
 * reference and, for 503, how long to wait) or it could not be reached (`NetworkError`).
 */

import { getLang, t } from '/static/i18n.js';

export class HttpError extends Error {
  constructor(status, body, retryAfter) {
    super(body?.message_en || `HTTP ${status}`);
    this.status = status;
    this.body = body ?? {};
    this.code = this.body.error ?? (status >= 500 ? 'server' : 'http');
    this.reference = this.body.reference;
    this.retryAfter = retryAfter; // seconds, from the Retry-After header of a 503
  }

  /** The message in the current language: ours for known codes, else the server's. */
  text() {
    const key = `error.${this.code}`;
    const ours = t(key);
    if (ours !== key) return ours;
    if (this.status >= 500) return t('error.server');
    return (getLang() === 'en' ? this.body.message_en : this.body.message) || this.body.message || t('error.server');
  }
}

export class NetworkError extends Error {
  constructor(cause) {
    super('network');
    this.cause = cause;
    this.code = 'network';
  }
}

/**
 * A JSON request to the server; resolves to `{status, data}` or throws `HttpError` /
 * `NetworkError`. No cookie is sent.
 */
export async function api(path, { method = 'GET', body, timeout = 20000 } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? { Accept: 'application/json' }
        : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
      signal: controller.signal,
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
