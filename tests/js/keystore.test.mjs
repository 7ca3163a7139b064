// The committee member's keystore and passphrase backup (keystore.mjs, PROTOCOL.md "Trustee
// backup"): vectors made by the Python CLI open here and re-encrypt byte-identically; round trips;
// a wrong passphrase, a changed header or ciphertext, and bad parameters are refused by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  KeystoreError, backupFileName, backupHeader, decryptBackup, encryptBackup, loadLocal,
  recordFromTrustee, removeLocal, saveLocal, secretsFromJson, secretsToJson, storageKey,
  withSecretShare, withoutCeremonySecrets, SCRYPT_DEFAULTS,
} from '../../ballot_client/js/keystore.mjs';
import { hexToBytes, makeTrustee } from '../../ballot_client/js/index.mjs';
import { makeManifest } from './helpers.mjs';

const vectors = JSON.parse(readFileSync(new URL('../vectors/trustee_backup.json', import.meta.url), 'utf8'));
const FAST = { N: 1024 };

class MemoryStorage {
  constructor() { this.map = new Map(); }
  getItem(key) { return this.map.has(key) ? this.map.get(key) : null; }
  setItem(key, value) { this.map.set(key, String(value)); }
  removeItem(key) { this.map.delete(key); }
}

async function rejects(promise, check) {
  await assert.rejects(promise, (error) => error instanceof KeystoreError && error.check === check);
}

test('the default scrypt cost is N=2^15, r=8, p=1', () => {
  assert.deepEqual({ ...SCRYPT_DEFAULTS }, { N: 32768, r: 8, p: 1 });
});

test('backups made by the Python CLI open here and re-encrypt byte-identically', async () => {
  for (const { secrets, salt, nonce, backup } of vectors.cases) {
    const record = await decryptBackup(backup, vectors.passphrase);
    assert.deepEqual(secretsToJson(record), secrets);
    const again = await encryptBackup(record, vectors.passphrase, {
      N: backup.kdf.N, salt: hexToBytes(salt), nonce: hexToBytes(nonce),
    });
    assert.deepEqual(again, backup);
    assert.deepEqual(backupHeader(backup), {
      meeting: secrets.meeting, round: secrets.round, index: secrets.index, manifestHash: secrets.manifest_hash,
    });
  }
});

test('a trustee record round-trips through a backup, before and after the secret share', async () => {
  const manifest = makeManifest({ questions: 1, t: 2, n: 3 });
  const { secrets } = makeTrustee({ manifest, index: 3 });
  const record = recordFromTrustee({ meeting: 'hop', round: 2, manifestHash: 'ef'.repeat(32) }, secrets);
  const backup = await encryptBackup(record, 'một mật khẩu dài', FAST);
  assert.equal(backup.kind, 'phieukin/trustee-backup');
  assert.equal(backup.version, 1);
  assert.equal(backup.index, 3);
  assert.deepEqual(secretsToJson(await decryptBackup(JSON.stringify(backup), 'một mật khẩu dài')), secretsToJson(record));

  const shared = withSecretShare(record, 42n); // the polynomial stays until publication
  assert.deepEqual(shared.coefficients, record.coefficients);
  const done = withoutCeremonySecrets(shared);
  assert.equal(done.coefficients, null);
  assert.equal(done.encryptionSecret, null);
  const opened = await decryptBackup(await encryptBackup(done, 'pass phrase 2', FAST), 'pass phrase 2');
  assert.equal(opened.secretShare, 42n);
  assert.deepEqual(opened.signingSeed, secrets.signingSeed);
});

test('the passphrase is NFC-normalised: composed and decomposed Vietnamese agree', async () => {
  const [{ backup }] = vectors.cases;
  await decryptBackup(backup, vectors.passphrase.normalize('NFD'));
});

test('a wrong passphrase, a changed header or ciphertext fail with check "passphrase"', async () => {
  const [{ backup }] = vectors.cases;
  await rejects(decryptBackup(backup, 'not the passphrase'), 'passphrase');
  await rejects(decryptBackup({ ...backup, index: 3 }, vectors.passphrase), 'passphrase');
  await rejects(decryptBackup({ ...backup, meeting: 'other' }, vectors.passphrase), 'passphrase');
  const bytes = Uint8Array.from(atob(backup.ciphertext), (c) => c.charCodeAt(0));
  bytes[5] ^= 1;
  const flipped = btoa(String.fromCharCode(...bytes));
  await rejects(decryptBackup({ ...backup, ciphertext: flipped }, vectors.passphrase), 'passphrase');
  await rejects(decryptBackup(backup, ''), 'passphrase');
});

test('bad kinds, versions, parameters and encodings are refused by name', async () => {
  const [{ backup }] = vectors.cases;
  const pw = vectors.passphrase;
  await rejects(decryptBackup({ ...backup, kind: 'phieukin/ballot' }, pw), 'kind');
  await rejects(decryptBackup({ ...backup, version: 2 }, pw), 'version');
  await rejects(decryptBackup({ ...backup, kdf: { ...backup.kdf, N: 1000 } }, pw), 'params');
  await rejects(decryptBackup({ ...backup, kdf: { ...backup.kdf, N: 2 ** 24 } }, pw), 'params');
  // nothing costlier than what the project writes (N = 2^15, r = 8, p = 1): 2 GiB is refused
  await rejects(decryptBackup({ ...backup, kdf: { ...backup.kdf, N: 2 ** 16 } }, pw), 'params');
  await rejects(decryptBackup({ ...backup, kdf: { ...backup.kdf, N: 2 ** 20, r: 16 } }, pw), 'params');
  await rejects(decryptBackup({ ...backup, kdf: { ...backup.kdf, r: 9 } }, pw), 'params');
  await rejects(decryptBackup({ ...backup, kdf: { ...backup.kdf, p: 2 } }, pw), 'params');
  await rejects(decryptBackup({ ...backup, kdf: { ...backup.kdf, name: 'pbkdf2' } }, pw), 'params');
  await rejects(decryptBackup({ ...backup, cipher: { name: 'aes-gcm', nonce: backup.cipher.nonce } }, pw), 'params');
  await rejects(decryptBackup({ ...backup, ciphertext: 'not base64!' }, pw), 'format');
  await rejects(decryptBackup({ ...backup, round: 0 }, pw), 'format');
  await rejects(decryptBackup('{', pw), 'format');
  assert.throws(() => secretsFromJson({ ...vectors.cases[0].secrets, secret_share: null, coefficients: null }),
    (error) => error.check === 'format');
});

test('localStorage keeps the secrets under a key naming the meeting, round and index', () => {
  const storage = new MemoryStorage();
  const record = secretsFromJson(vectors.cases[1].secrets);
  assert.equal(storageKey(record), 'phieukin.trustee.cb-2026-12.r3.t1');
  saveLocal(storage, record, { step: 'confirmed' });
  const loaded = loadLocal(storage, { meeting: 'cb-2026-12', round: 3, index: 1, manifestHash: 'cd'.repeat(32) });
  assert.deepEqual(secretsToJson(loaded.record), vectors.cases[1].secrets);
  assert.deepEqual(loaded.progress, { step: 'confirmed' });
  assert.equal(loadLocal(storage, { meeting: 'cb-2026-12', round: 3, index: 2 }), null);
  assert.throws(() => loadLocal(storage, { meeting: 'cb-2026-12', round: 3, index: 1, manifestHash: '00'.repeat(32) }),
    (error) => error.check === 'mismatch');
  removeLocal(storage, record);
  assert.equal(loadLocal(storage, record), null);
  assert.equal(backupFileName(record), 'phieukin-cb-2026-12-r3-thanhvien1.json');
});
