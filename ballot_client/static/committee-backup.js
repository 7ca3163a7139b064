/**
 * The committee page's backup and restore forms. The backup is the member's secrets encrypted
 * under a passphrase they choose (keystore.mjs), offered as a file and a QR code — made before the
 * member's announcement leaves the phone, so a lost phone can be restored at any step. Restoring
 * opens such a backup on a new phone; during the ceremony the phone then claims the link again
 * with the same key (committee.mjs).
 */

import { el } from '/static/dom.js';
import { MemberFailure } from '/js/committee.mjs';
import { KeystoreError, backupFileName, decryptBackup, encryptBackup } from '/js/keystore.mjs';
import { qrSvg } from '/static/qr.js';
import { t } from '/static/i18n.js';

const $ = (id) => document.getElementById(id);
let page = null;
let backupUrl = null;

/** Tell the view whether a backup was made (the tests and the layout read `data-made`). */
export function renderBackup() {
  $('view-backup').dataset.made = String(Boolean(page?.client.progress.backedUp));
}

function setBackupError(key) {
  const node = $('backup-error');
  node.hidden = !key;
  node.textContent = key ? `⚠ ${t(key)}` : '';
  for (const id of ['backup-pass', 'backup-pass2']) {
    if (key) $(id).setAttribute('aria-invalid', 'true');
    else $(id).removeAttribute('aria-invalid');
  }
}

async function makeBackup(event) {
  event.preventDefault();
  const { client } = page;
  if (!client.record) return;
  const pass = $('backup-pass').value;
  if (pass.length < 8) {
    setBackupError('cm.backup.tooShort');
    $('backup-pass').focus();
    return;
  }
  if (pass !== $('backup-pass2').value) {
    setBackupError('cm.backup.mismatch');
    $('backup-pass2').focus();
    return;
  }
  setBackupError(null);
  const button = $('backup-make');
  button.disabled = true;
  button.textContent = t('cm.backup.working');
  try {
    const backup = await encryptBackup(client.record, pass);
    const text = JSON.stringify(backup);
    if (backupUrl) URL.revokeObjectURL(backupUrl);
    backupUrl = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const link = $('backup-file');
    link.href = backupUrl;
    link.download = backupFileName(client.ids);
    const holder = $('backup-qr-code');
    holder.replaceChildren();
    try {
      holder.append(qrSvg(text, { label: t('cm.backup.qrLabel') }));
    } catch {
      holder.append(el('p', { class: 'meta', text: t('cm.backup.qrTooBig') }));
    }
    $('backup-ready').hidden = false;
    $('backup-pass').value = '';
    $('backup-pass2').value = '';
    client.markBackedUp();
    renderBackup();
    $('backup-done').focus?.();
    page.tick(); // the announcement may leave the phone now
  } catch (error) {
    page.transientError(error);
  } finally {
    button.disabled = false;
    button.textContent = t('cm.backup.make');
  }
}

/** Show the restore form, saying why (`reasonKey`). */
export function showRestore(reasonKey, alsoShow = []) {
  page.showOnly(...alsoShow, 'restore');
  $('view-restore').dataset.reason = reasonKey;
  $('restore-why').textContent = t(reasonKey);
}

function setRestoreError(key, vars) {
  const node = $('restore-error');
  node.hidden = !key;
  node.textContent = key ? `⚠ ${t(key, vars)}` : '';
}

async function restore(event) {
  event.preventDefault();
  setRestoreError(null);
  const file = $('restore-file').files?.[0];
  const text = file ? await file.text() : $('restore-text').value.trim();
  if (!text) {
    setRestoreError('cm.restore.nothing');
    return;
  }
  page.busy = true;
  try {
    const record = await decryptBackup(text, $('restore-pass').value);
    await page.client.restore(record);
    $('restore-pass').value = '';
    $('restore-text').value = '';
    $('restore-file').value = '';
    page.clearAlarm();
  } catch (error) {
    if (error instanceof KeystoreError) {
      setRestoreError(error.check === 'passphrase' ? 'cm.restore.wrongPass' : 'cm.restore.unreadable');
    } else if (error instanceof MemberFailure && error.reason === 'other_backup') {
      setRestoreError('cm.restore.other', { member: error.member, round: error.round });
    } else {
      page.transientError(error);
    }
    return;
  } finally {
    page.busy = false;
  }
  page.tick();
}

/** Wire the forms to the page (its client, views and error helpers). */
export function mountBackup(shared) {
  page = shared;
  $('backup-form').addEventListener('submit', makeBackup);
  $('restore-form').addEventListener('submit', restore);
  $('backup-qr-toggle').addEventListener('click', () => {
    const figure = $('backup-qr');
    figure.hidden = !figure.hidden;
    $('backup-qr-toggle').setAttribute('aria-expanded', String(!figure.hidden));
    $('backup-qr-toggle').textContent = t(figure.hidden ? 'cm.backup.qr' : 'cm.backup.qrHide');
  });
}
