/**
 * The committee page's round to decrypt: the round followed (the last one the signed log shows
 * this member's keys may decrypt), its ballots checked in Web Workers while voting is open, and
 * after close every check of PROTOCOL.md §15 with progress — the "Giải mã" button enabled only
 * when every check passed, a refusal shown with its named reason.
 */

import { DecryptionRefused, shortCode } from '/js/index.mjs';
import { MemberFailure } from '/js/committee.mjs';
import { renderBackup } from '/static/committee-backup.js';
import { resetMinute, showCounted } from '/static/committee-minute.js';
import { has, t } from '/static/i18n.js';

const $ = (id) => document.getElementById(id);
let page = null;


/** The round followed: the last one the signed log shows this member's keys may decrypt. */
export async function follow() {
  const { client } = page;
  let rounds;
  try {
    rounds = await client.rounds();
  } catch (error) {
    if (!(error instanceof DecryptionRefused)) throw error;
    page.checks = { round: page.round, refused: error }; // the log itself is refused
    page.showOnly('decrypt');
    renderChecks();
    return;
  }
  const number = rounds[rounds.length - 1] ?? client.linkRound;
  if (number !== page.round) {
    page.round = number;
    page.checks = null;
    $('decrypt-status').textContent = '';
    renderChecks(); // a new round: its button stays disabled until its own checks pass
    resetMinute();
  }
  const published = await page.api(`/api/rounds/${number}/election`);
  page.phase = published.phase;
  page.electionHex = client.follower?.events
    .find((e) => e.type === 'election-published' && e.body?.round === number)?.body?.fingerprint ?? null;
  page.renderIdentity();
  const decrypted = client.progress.rounds?.[number]?.decrypted;
  if (published.phase === 'ready' || published.phase === 'open') {
    page.showOnly('status', 'backup');
    page.showStatus(published.phase === 'open' ? 'cm.status.voting' : 'cm.status.ready', 'ok');
    renderBackup();
    if (published.phase === 'open') verifyInBackground(number);
    return;
  }
  if (published.phase === 'closed') {
    await showDecrypt(number, decrypted);
    return;
  }
  if (published.phase === 'counted') {
    await showCounted(page, number);
    return;
  }
  page.showOnly('status');
  page.showStatus('cm.status.other', 'wait', { phase: published.phase });
}

function showProgress(done, total) {
  const bar = $('check-progress');
  bar.max = Math.max(total, 1);
  bar.value = Math.min(done, bar.max);
  $('check-status').textContent = t('cm.checks.progress', { n: done, total });
}

/** While voting is open: check the ballots that arrived, a chunk at a time. */
function verifyInBackground(number) {
  if (page.checking) return;
  page.checking = true;
  page.client.verifyArrived(number, showProgress)
    .catch(() => { /* checked again, and reported, at close */ })
    .finally(() => { page.checking = false; });
}

async function showDecrypt(number, decrypted) {
  page.showOnly('decrypt', 'backup', ...(decrypted ? ['status'] : []));
  renderBackup();
  $('dec-meeting').textContent = page.meetingText();
  $('dec-round').textContent = String(number);
  $('dec-print').textContent = shortCode(page.electionHex ?? '00'.repeat(32));
  $('decrypt').hidden = Boolean(decrypted);
  $('decrypt').disabled = !page.checks?.checked;
  if (decrypted) {
    page.showStatus('cm.status.decrypted', 'wait', { t: page.client.loaded.threshold });
    return;
  }
  if (page.checking) return;
  page.checking = true;
  if (!page.checks) $('check-status').textContent = t('cm.checks.working');
  try {
    const checked = await page.client.checkRound(number, showProgress);
    page.checks = { round: number, checked };
    // the time spent checking, workers and this page together (read by bench/committee_check.py)
    document.body.dataset.checkMs = String(Math.round(page.pool.busyMs + page.client.checkMainMs));
  } catch (error) {
    if (!(error instanceof DecryptionRefused)) throw error;
    page.checks = { round: number, refused: error };
  } finally {
    page.checking = false;
  }
  renderChecks();
}

export function renderChecks() {
  const { checks } = page;
  const refused = checks?.refused;
  const box = $('check-refused');
  box.hidden = !refused;
  $('decrypt').disabled = !checks?.checked;
  $('view-decrypt').dataset.checks = refused ? 'refused' : checks?.checked ? 'passed' : 'running';
  if (refused) {
    box.dataset.reason = refused.check;
    const key = `cm.reason.${refused.check}`;
    $('check-refused-reason').textContent = has(key) ? t(key) : refused.check;
    $('check-refused-help').textContent = t('cm.checks.refusedHelp', { reason: refused.check });
    $('check-status').textContent = '';
    $('check-override').hidden = true;
    return;
  }
  const checked = checks?.checked;
  if (!checked) { // still checking: nothing of another round's checks is left on screen
    $('dec-ballots').textContent = '';
    $('dec-tokens').textContent = '';
    $('check-override').hidden = true;
    return;
  }
  $('dec-ballots').textContent = String(checked.ballots);
  $('dec-tokens').textContent = String(checked.tokens);
  $('check-status').textContent = t('cm.checks.ok', { ballots: checked.ballots, tokens: checked.tokens });
  const override = $('check-override');
  override.hidden = checked.overrideReason === null || checked.overrideReason === undefined;
  override.textContent = override.hidden ? '' : t('cm.checks.override', { reason: checked.overrideReason });
}

function mountDecrypt() {
  $('decrypt').addEventListener('click', async () => {
    const checked = page.checks?.checked;
    if (page.busy || !checked || !page.client.record?.secretShare) return;
    page.busy = true;
    const button = $('decrypt');
    button.disabled = true;
    $('decrypt-status').textContent = t('cm.decrypt.working');
    page.showError(null);
    try {
      await new Promise((resolve) => { setTimeout(resolve, 0); }); // let the status paint
      const counted = await page.client.decrypt(checked);
      $('decrypt-status').textContent = t('cm.decrypt.sent');
      button.hidden = true;
      if (counted) {
        page.showOnly('status');
        page.showStatus('cm.status.counted', 'ok');
      } else {
        page.showOnly('decrypt', 'status', 'backup');
        page.showStatus('cm.status.decrypted', 'wait', { t: page.client.loaded.threshold });
      }
    } catch (error) {
      $('decrypt-status').textContent = '';
      if (error instanceof MemberFailure) page.fail(error);
      else page.transientError(error);
    } finally {
      page.busy = false;
      button.disabled = !page.checks?.checked;
    }
  });
}

/** Wire the decrypt button to the page (its client, views and error helpers). */
export function mountRoundView(shared) {
  page = shared;
  mountDecrypt();
}
