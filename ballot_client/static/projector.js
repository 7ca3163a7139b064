/**
 * The projector (`/projector`, 1920×1080): the meeting, the phase, live turnout (ballots
 * received / tokens issued) from `/api/stream` (server-sent events), and from the key ceremony to
 * the minute each committee member's key fingerprint next to their name — which every member
 * compares with their own phone before confirming — with a loud alarm when a member's link was
 * opened on another device, and the election fingerprint the voters' phones show.
 *
 * The server never sends a partial result while voting is open, and this page shows nothing
 * but the phase and the two counts. EventSource reconnects by itself after a dropped
 * connection; if the browser gives up (the server answered with an error), we start a new one.
 */

import '/static/served.js';
import {
  applyI18n, getLang, initI18n, mountLanguageSwitch, onLangChange, t,
} from '/static/i18n.js';
import { el } from '/static/dom.js';
import { fetchResults, renderResults } from '/static/results.js';
import { kindText } from '/js/kindwords.mjs';

const $ = (id) => document.getElementById(id);
const RETRY_MS = 3000;
const KNOWN_PHASES = ['setup', 'ceremony', 'ready', 'open', 'closed', 'counting', 'decrypted', 'abandoned'];

let last = null;
let connection = 'connecting';
let source = null;

function formatDate(text) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text ?? '');
  return match ? `${match[3]}/${match[2]}/${match[1]}` : text;
}

function phaseText(phase) {
  if (phase === 'counted') return t('phase.decrypted');
  return KNOWN_PHASES.includes(phase) ? t(`phase.${phase}`) : t('phase.unknown', { phase });
}

// --- results, once the round is counted: per person the votes and the decision, a page of
// RESULT_ROWS people at a time, turning every RESULT_PAGE_MS -----------------------------------
const RESULT_ROWS = 4;
const RESULT_PAGE_MS = 15000;
let results = null;
let resultPage = 0;
let resultTimer = null;

function renderResultsSection() {
  const box = $('pj-results');
  const show = last?.phase === 'counted' && results && results.round === last.round;
  box.hidden = !show;
  if (!show) return;
  const pages = renderResults(box, results, { lang: getLang(), page: resultPage, perPage: RESULT_ROWS });
  if (pages > 1 && !resultTimer) {
    resultTimer = setInterval(() => {
      resultPage = (resultPage + 1) % pages;
      renderResultsSection();
    }, RESULT_PAGE_MS);
  }
}

async function loadResults() {
  if (last?.phase !== 'counted' || results?.round === last.round) return;
  const fetched = await fetchResults(last.round).catch(() => null);
  if (fetched) {
    results = fetched;
    resultPage = 0;
    renderResultsSection();
  }
}

function joinUrl(status) {
  // A server that knows its LAN address may send it; otherwise the address this page came from.
  return status?.join_url || `${location.origin}/`;
}

function render() {
  const status = last ?? { meeting: {}, phase: 'setup', turnout: { ballots: 0, tokens: 0 } };
  const meeting = status.meeting ?? {};
  $('pj-title').textContent = meeting.title || t('app.name');
  $('pj-sub').textContent = [
    meeting.cell, meeting.committee_above, formatDate(meeting.date), meeting.place,
    status.round ? t('projector.round', { r: status.round }) : null,
    status.round_kind && status.round_kind !== 'rating' ? kindText(status.round_kind, getLang()).name : null,
  ].filter(Boolean).join(' · ');
  document.body.dataset.kind = status.round_kind ?? '';
  document.title = `${meeting.title || t('app.name')} — ${phaseText(status.phase)}`;

  const phase = $('pj-phase');
  phase.textContent = phaseText(status.phase);
  phase.dataset.phase = status.phase ?? '';
  document.body.dataset.phase = status.phase ?? '';

  const ballots = Number(status.turnout?.ballots ?? 0);
  const tokens = Number(status.turnout?.tokens ?? 0);
  $('pj-ballots').textContent = String(ballots);
  $('pj-tokens').textContent = String(tokens);
  const turnout = $('pj-turnout');
  turnout.dataset.ballots = String(ballots);
  turnout.dataset.tokens = String(tokens);
  turnout.setAttribute('aria-label', t('projector.turnoutAria', { ballots, tokens }));
  const percent = tokens > 0 ? Math.min(100, (100 * ballots) / tokens) : 0;
  $('pj-bar-fill').style.width = `${percent}%`;
  $('pj-bar').setAttribute('aria-valuenow', String(Math.round(percent)));

  const open = status.phase === 'open';
  $('pj-join').hidden = !open;
  $('pj-join-url').textContent = joinUrl(status);

  renderCommittee(status);
  renderResultsSection();

  const conn = $('pj-conn');
  conn.dataset.state = connection;
  conn.textContent = connection === 'live' ? `● ${t('projector.live')}` : `⚠ ${t('projector.reconnecting')}`;
  conn.hidden = connection === 'connecting';
}

/** Each member's name, key fingerprint and progress, and any alarm; the election fingerprint. */
function renderCommittee(status) {
  const members = Array.isArray(status.committee) ? status.committee : [];
  const box = $('pj-committee');
  box.hidden = members.length === 0;
  box.dataset.alarm = String(members.some((m) => m.alarm));
  $('pj-members').replaceChildren(...members.map((member) => el('li', {
    class: 'pj-member', testid: `committee-${member.index}`,
    'data-state': member.state, 'data-alarm': String(Boolean(member.alarm)),
  },
  el('span', { class: 'pj-member-name', text: member.name || String(member.index) }),
  el('span', { class: 'pj-member-key', testid: `committee-${member.index}-key`, text: member.fingerprint ?? '—' }),
  el('span', { class: 'pj-member-state', text: t(`projector.member.${member.state}`) }),
  member.alarm ? el('strong', { class: 'pj-member-alarm', role: 'alert', text: `⚠ ${t('projector.alarm')}` }) : null)));
  const election = $('pj-election');
  election.hidden = !status.election_fingerprint;
  election.textContent = status.election_fingerprint
    ? `${t('fingerprint.election')}: ${status.election_fingerprint}` : '';
}

function update(message) {
  if (!message || typeof message !== 'object') return;
  last = message;
  render();
  loadResults();
}

function connect() {
  source?.close();
  source = new EventSource('/api/stream');
  source.onopen = () => {
    connection = 'live';
    render();
  };
  source.onmessage = (event) => {
    connection = 'live';
    try {
      update(JSON.parse(event.data));
    } catch {
      /* ignore a malformed frame; the next one replaces it */
    }
  };
  source.onerror = () => {
    connection = 'lost';
    render();
    if (source.readyState === EventSource.CLOSED) setTimeout(connect, RETRY_MS);
  };
}

async function first() {
  try {
    const response = await fetch('/api/status', { cache: 'no-store', headers: { Accept: 'application/json' } });
    if (response.ok && !last) update(await response.json());
  } catch {
    /* the stream will bring it */
  }
}

onLangChange(() => {
  applyI18n();
  render();
});

initI18n();
const langBox = $('lang');
mountLanguageSwitch(langBox);
langBox.classList.add('on-light');
render();
first();
connect();
