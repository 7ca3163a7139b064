// Browser self-test of the crypto core (see selftest.html): fetch the election of a round,
// encrypt a ballot for the token in the URL fragment, check it locally, submit it, and report
// everything a test needs in `window.selftest` and in the page.
import {
  encryptBallot, makeSubmission, tokenHash, tracker, trackerCode, verifyBallot,
} from '/js/index.mjs';

const stateNode = document.querySelector('[data-testid="selftest-state"]');
const resultNode = document.querySelector('[data-testid="selftest-result"]');

function report(state, result) {
  window.selftest = { state, ...result };
  stateNode.dataset.state = state;
  stateNode.textContent = state;
  resultNode.textContent = JSON.stringify(window.selftest, null, 2);
}

async function run() {
  const params = new URLSearchParams(window.location.hash.slice(1));
  const token = params.get('t');
  const round = Number(params.get('r') || '1');
  const environment = {
    secureContext: window.isSecureContext,
    subtle: typeof (globalThis.crypto && globalThis.crypto.subtle),
    getRandomValues: typeof (globalThis.crypto && globalThis.crypto.getRandomValues),
  };
  const answer = await fetch(`/api/rounds/${round}/election`);
  if (!answer.ok) throw new Error(`election: HTTP ${answer.status}`);
  const { manifest, election } = await answer.json();
  const given = params.get('c');
  const choices = given
    ? given.split(',').map(Number)
    : manifest.questions.map((question, q) => q % question.options.length);
  const started = performance.now();
  const ballot = encryptBallot({ manifest, election, tokenHash: tokenHash(token), choices });
  const encryptMs = performance.now() - started;
  verifyBallot({ ballot, manifest, election });
  const local = { tracker: tracker(ballot), code: trackerCode(ballot) };
  const response = await fetch(`/api/rounds/${round}/ballots`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(makeSubmission({ token, ballot })),
  });
  const server = await response.json();
  report('done', {
    environment, questions: manifest.questions.length, encryptMs, local,
    status: response.status, server,
  });
}

run().catch((error) => report('error', { error: `${error.name}: ${error.message}` }));
