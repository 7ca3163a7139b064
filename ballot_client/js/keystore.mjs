/**
 * A committee member's secrets on their own device, and the encrypted backup they can save
 * (PROTOCOL.md "Trustee backup").
 *
 * The secrets (`phieukin/trustee-secrets`) are kept in the browser's localStorage under a key
 * naming the meeting, the round and the member's index. Until the member's secret share sⱼ is
 * known they hold the ceremony's polynomial and share-encryption secret; afterwards only sⱼ and
 * the seed of the Ed25519 key that co-signs the minute (the polynomial is dropped).
 *
 * The backup (`phieukin/trustee-backup`, version 1) is the same secrets under a passphrase:
 * key = scrypt(NFC passphrase as UTF-8, salt, N, r, p, 32 bytes) (@noble/hashes), then
 * XChaCha20-Poly1305 (@noble/ciphers) with a random 24-byte nonce, the additional data being the
 * canonical JSON of the backup object without its `ciphertext`. `phieukin trustee` (Python:
 * `cryptography`'s Scrypt and libsodium's XChaCha20-Poly1305) reads and writes the same format,
 * so a backup saved on a phone opens on a laptop and the other way round. Nothing here uses
 * WebCrypto `subtle`: the committee page runs on plain HTTP.
 */

import { scryptAsync } from '@noble/hashes/scrypt.js';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { bytesToHex, canonicalBytes, hexToBytes } from './encoding.mjs';
import { scalarFromHex, scalarToHex } from './group.mjs';
import { randomBytes } from './rng.mjs';

export const BACKUP_KIND = 'phieukin/trustee-backup';
export const SECRETS_KIND = 'phieukin/trustee-secrets';
/** scrypt cost of new backups: 2^15 × 8 × 128 bytes = 32 MiB of memory, about a second on a phone. */
export const SCRYPT_DEFAULTS = Object.freeze({ N: 2 ** 15, r: 8, p: 1 });
/** What a loader accepts: nothing costlier than what the project writes (a file is input from
 * outside and must not make the phone spend 2 GiB). */
const SCRYPT_LIMITS = { minLogN: 10, maxLogN: 15, maxR: 8, maxP: 1 };
const SALT_BYTES = 16;
const NONCE_BYTES = 24;
const STORAGE_PREFIX = 'phieukin.trustee';
const HEX = /^[0-9a-f]*$/;

/** A backup or stored record that cannot be read; `check` names what failed. */
export class KeystoreError extends Error {
  constructor(check, message) {
    super(message);
    this.name = 'KeystoreError';
    this.check = check; // "passphrase" | "format" | "kind" | "version" | "params" | "mismatch"
  }
}

/**
 * @typedef {object} TrusteeRecord
 * @property {string} meeting - the meeting id
 * @property {number} round
 * @property {number} index - the member's index j
 * @property {string} manifestHash - 64 hex
 * @property {string|null} serverKey - the server key pinned when the link was claimed (64 hex)
 * @property {Uint8Array} signingSeed - 32 bytes
 * @property {bigint[]|null} coefficients - a_{j,0} … a_{j,t−1}, until sⱼ is known
 * @property {bigint|null} encryptionSecret - eⱼ, until sⱼ is known
 * @property {bigint|null} secretShare - sⱼ, once every share has been opened
 */

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function hexField(value, bytes, name) {
  if (typeof value !== 'string' || value.length !== 2 * bytes || !HEX.test(value)) {
    throw new KeystoreError('format', `${name}: expected ${bytes} bytes of lowercase hex`);
  }
  return hexToBytes(value);
}

function scalarField(value, name) {
  try {
    return scalarFromHex(value, name);
  } catch {
    throw new KeystoreError('format', `${name}: not a scalar`);
  }
}

function checkIds(data) {
  if (typeof data.meeting !== 'string' || data.meeting.length > 200) {
    throw new KeystoreError('format', 'meeting: expected a string');
  }
  for (const name of ['round', 'index']) {
    if (!Number.isSafeInteger(data[name]) || data[name] < 1 || data[name] > 9999) {
      throw new KeystoreError('format', `${name}: expected a positive integer`);
    }
  }
  hexField(data.manifest_hash, 32, 'manifest_hash');
}

/**
 * A record as its `phieukin/trustee-secrets` JSON (scalars as 32-byte little-endian hex).
 * @param {TrusteeRecord} record
 * @returns {object}
 */
export function secretsToJson(record) {
  return {
    version: 1,
    kind: SECRETS_KIND,
    meeting: record.meeting,
    round: record.round,
    index: record.index,
    manifest_hash: record.manifestHash,
    server_key: record.serverKey ?? null,
    signing_seed: bytesToHex(record.signingSeed),
    coefficients: record.coefficients ? record.coefficients.map(scalarToHex) : null,
    encryption_secret: record.encryptionSecret == null ? null : scalarToHex(record.encryptionSecret),
    secret_share: record.secretShare == null ? null : scalarToHex(record.secretShare),
  };
}

/**
 * Load and check a `phieukin/trustee-secrets` JSON.
 * @param {unknown} data
 * @returns {TrusteeRecord}
 */
export function secretsFromJson(data) {
  if (!isObject(data)) throw new KeystoreError('format', 'expected an object');
  if (data.kind !== SECRETS_KIND) throw new KeystoreError('kind', `expected kind ${SECRETS_KIND}`);
  if (data.version !== 1) throw new KeystoreError('version', 'unknown version');
  checkIds(data);
  const coefficients = data.coefficients === null ? null : data.coefficients;
  if (coefficients !== null && (!Array.isArray(coefficients) || coefficients.length < 1 || coefficients.length > 15)) {
    throw new KeystoreError('format', 'coefficients: expected a list or null');
  }
  const record = {
    meeting: data.meeting,
    round: data.round,
    index: data.index,
    manifestHash: data.manifest_hash,
    serverKey: data.server_key == null ? null : bytesToHex(hexField(data.server_key, 32, 'server_key')),
    signingSeed: hexField(data.signing_seed, 32, 'signing_seed'),
    coefficients: coefficients && coefficients.map((c, k) => scalarField(c, `coefficients[${k}]`)),
    encryptionSecret: data.encryption_secret === null ? null : scalarField(data.encryption_secret, 'encryption_secret'),
    secretShare: data.secret_share === null ? null : scalarField(data.secret_share, 'secret_share'),
  };
  if (record.secretShare === null && (record.coefficients === null || record.encryptionSecret === null)) {
    throw new KeystoreError('format', 'neither a secret share nor the ceremony secrets');
  }
  return record;
}

/**
 * The record for a freshly made trustee (`makeTrustee`'s secrets).
 * @param {{meeting: string, round: number, manifestHash: string, serverKey?: string}} ids
 * @param {{index: number, coefficients: bigint[], encryptionSecret: bigint, signingSeed: Uint8Array}} secrets
 * @returns {TrusteeRecord}
 */
export function recordFromTrustee(ids, secrets) {
  return {
    meeting: ids.meeting,
    round: ids.round,
    index: secrets.index,
    manifestHash: ids.manifestHash,
    serverKey: ids.serverKey ?? null,
    signingSeed: secrets.signingSeed,
    coefficients: [...secrets.coefficients],
    encryptionSecret: secrets.encryptionSecret,
    secretShare: null,
  };
}

/**
 * The record once sⱼ is known (the polynomial is kept until the election is published, to
 * answer a complaint in the open).
 * @param {TrusteeRecord} record
 * @param {bigint} secretShare
 * @returns {TrusteeRecord}
 */
export function withSecretShare(record, secretShare) {
  return { ...record, secretShare };
}

/**
 * The record once the election is published: the polynomial and eⱼ are dropped.
 * @param {TrusteeRecord} record
 * @returns {TrusteeRecord}
 */
export function withoutCeremonySecrets(record) {
  return { ...record, coefficients: null, encryptionSecret: null };
}

// ---- localStorage ---------------------------------------------------------------------------

/**
 * The localStorage key of a member's secrets: `phieukin.trustee.<meeting>.r<round>.t<index>`.
 * @param {{meeting: string, round: number, index: number}} ids
 */
export function storageKey({ meeting, round, index }) {
  return `${STORAGE_PREFIX}.${encodeURIComponent(meeting)}.r${round}.t${index}`;
}

/**
 * Keep a record (and the page's progress, a small JSON object) in `storage`.
 * @param {Storage} storage
 * @param {TrusteeRecord} record
 * @param {object} [progress]
 */
export function saveLocal(storage, record, progress = {}) {
  storage.setItem(storageKey(record), JSON.stringify({ secrets: secretsToJson(record), progress }));
}

/**
 * The stored record and progress for these ids, or null. A stored record for another manifest
 * (a reused key after a restart of the meeting) is refused with check "mismatch".
 * @param {Storage} storage
 * @param {{meeting: string, round: number, index: number, manifestHash?: string}} ids
 * @returns {{record: TrusteeRecord, progress: object}|null}
 */
export function loadLocal(storage, ids) {
  const text = storage.getItem(storageKey(ids));
  if (text === null) return null;
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    throw new KeystoreError('format', 'stored secrets are not JSON');
  }
  const record = secretsFromJson(data?.secrets);
  if (ids.manifestHash && record.manifestHash !== ids.manifestHash) {
    throw new KeystoreError('mismatch', 'stored secrets belong to another manifest');
  }
  return { record, progress: isObject(data.progress) ? data.progress : {} };
}

/** Forget a member's stored secrets. */
export function removeLocal(storage, ids) {
  storage.removeItem(storageKey(ids));
}

// ---- the passphrase backup ------------------------------------------------------------------

function toBase64(bytes) {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}

function fromBase64(text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new KeystoreError('format', 'ciphertext: expected standard base64');
  }
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function passphraseBytes(passphrase) {
  if (typeof passphrase !== 'string' || passphrase.length === 0) {
    throw new KeystoreError('passphrase', 'a passphrase is needed');
  }
  return new TextEncoder().encode(passphrase.normalize('NFC'));
}

function checkParams(kdf) {
  if (!isObject(kdf) || kdf.name !== 'scrypt') throw new KeystoreError('params', 'kdf: expected scrypt');
  const { N, r, p } = kdf;
  const logN = Number.isSafeInteger(N) && N > 1 ? Math.log2(N) : NaN;
  if (!Number.isInteger(logN) || logN < SCRYPT_LIMITS.minLogN || logN > SCRYPT_LIMITS.maxLogN
      || !Number.isSafeInteger(r) || r < 1 || r > SCRYPT_LIMITS.maxR
      || !Number.isSafeInteger(p) || p < 1 || p > SCRYPT_LIMITS.maxP) {
    throw new KeystoreError('params', 'kdf: scrypt parameters out of range');
  }
  return { N, r, p, salt: hexField(kdf.salt, SALT_BYTES, 'kdf.salt') };
}

function header(backup) {
  const { ciphertext, ...rest } = backup;
  return canonicalBytes(rest);
}

async function deriveKey(passphrase, { N, r, p, salt }, onProgress) {
  const options = { N, r, p, dkLen: 32, maxmem: 2 ** 31 };
  if (onProgress) options.onProgress = onProgress;
  return scryptAsync(passphraseBytes(passphrase), salt, options);
}

/**
 * Encrypt a record under a passphrase. `options` may fix the scrypt cost, the salt and the
 * nonce (for test vectors only; by default they are fresh from `crypto.getRandomValues`).
 * @param {TrusteeRecord} record
 * @param {string} passphrase
 * @param {{N?: number, r?: number, p?: number, salt?: Uint8Array, nonce?: Uint8Array, onProgress?: (f: number) => void}} [options]
 * @returns {Promise<object>} the `phieukin/trustee-backup` JSON
 */
export async function encryptBackup(record, passphrase, options = {}) {
  const salt = options.salt ?? randomBytes(SALT_BYTES);
  const nonce = options.nonce ?? randomBytes(NONCE_BYTES);
  const backup = {
    version: 1,
    kind: BACKUP_KIND,
    meeting: record.meeting,
    round: record.round,
    index: record.index,
    manifest_hash: record.manifestHash,
    kdf: {
      name: 'scrypt',
      N: options.N ?? SCRYPT_DEFAULTS.N,
      r: options.r ?? SCRYPT_DEFAULTS.r,
      p: options.p ?? SCRYPT_DEFAULTS.p,
      salt: bytesToHex(salt),
    },
    cipher: { name: 'xchacha20poly1305', nonce: bytesToHex(nonce) },
  };
  const params = checkParams(backup.kdf);
  if (nonce.length !== NONCE_BYTES) throw new KeystoreError('params', 'nonce: expected 24 bytes');
  const key = await deriveKey(passphrase, params, options.onProgress);
  const plaintext = canonicalBytes(secretsToJson(record));
  backup.ciphertext = toBase64(xchacha20poly1305(key, nonce, header(backup)).encrypt(plaintext));
  key.fill(0);
  return backup;
}

/**
 * Check a backup's header (no passphrase needed): who and which election it is for.
 * @param {unknown} backup
 * @returns {{meeting: string, round: number, index: number, manifestHash: string}}
 */
export function backupHeader(backup) {
  if (!isObject(backup)) throw new KeystoreError('format', 'expected a JSON object');
  if (backup.kind !== BACKUP_KIND) throw new KeystoreError('kind', `expected kind ${BACKUP_KIND}`);
  if (backup.version !== 1) throw new KeystoreError('version', 'unknown version');
  checkIds(backup);
  checkParams(backup.kdf);
  if (!isObject(backup.cipher) || backup.cipher.name !== 'xchacha20poly1305') {
    throw new KeystoreError('params', 'cipher: expected xchacha20poly1305');
  }
  hexField(backup.cipher.nonce, NONCE_BYTES, 'cipher.nonce');
  return {
    meeting: backup.meeting, round: backup.round, index: backup.index, manifestHash: backup.manifest_hash,
  };
}

/**
 * Decrypt a backup. A wrong passphrase (or any change to the file) fails with check "passphrase";
 * the inner secrets must name the same meeting, round, index and manifest as the header.
 * @param {unknown} backup - the JSON object (or its text)
 * @param {string} passphrase
 * @param {{onProgress?: (f: number) => void}} [options]
 * @returns {Promise<TrusteeRecord>}
 */
export async function decryptBackup(backup, passphrase, options = {}) {
  let data = backup;
  if (typeof backup === 'string') {
    try {
      data = JSON.parse(backup);
    } catch {
      throw new KeystoreError('format', 'not JSON');
    }
  }
  const ids = backupHeader(data);
  const params = checkParams(data.kdf);
  const ciphertext = fromBase64(data.ciphertext);
  const key = await deriveKey(passphrase, params, options.onProgress);
  let plaintext;
  try {
    plaintext = xchacha20poly1305(key, hexToBytes(data.cipher.nonce), header(data)).decrypt(ciphertext);
  } catch {
    throw new KeystoreError('passphrase', 'wrong passphrase, or the backup was changed');
  } finally {
    key.fill(0);
  }
  let inner;
  try {
    inner = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plaintext));
  } catch {
    throw new KeystoreError('format', 'the decrypted secrets are not JSON');
  }
  const record = secretsFromJson(inner);
  if (record.meeting !== ids.meeting || record.round !== ids.round || record.index !== ids.index
      || record.manifestHash !== ids.manifestHash) {
    throw new KeystoreError('mismatch', 'the secrets do not match the backup header');
  }
  return record;
}

/**
 * The file name a backup is saved under: `phieukin-<meeting>-r<round>-thanhvien<index>.json`.
 * @param {{meeting: string, round: number, index: number}} ids
 */
export function backupFileName({ meeting, round, index }) {
  const safe = String(meeting).replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 60) || 'hop';
  return `phieukin-${safe}-r${round}-thanhvien${index}.json`;
}
