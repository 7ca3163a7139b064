// Encryption benchmark in the browser (see bench.html and bench/chromium_encrypt.py): fetch the
// election of a round as the phone page does, prepare it once (loadElection: joint key and its
// window tables), then time encryptBallot (every ciphertext and proof of a whole ballot) with
// performance.now() over warm-up + timed runs. The last ballot is checked locally and submitted
// signed with the token's key, so the server says whether what was timed is a ballot it accepts.
// Results go to `window.bench` and into the page.
import {
  encryptBallot, loadElection, makeSubmission, tokenHash, verifyBallot,
} from '/js/index.mjs';

const stateNode = document.querySelector('[data-testid="bench-state"]');
const resultNode = document.querySelector('[data-testid="bench-result"]');

function report(state, result) {
  window.bench = { state, ...result };
  stateNode.dataset.state = state;
  stateNode.textContent = state;
  resultNode.textContent = JSON.stringify(window.bench, null, 2);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function run() {
  const params = new URLSearchParams(window.location.hash.slice(1));
  const token = params.get('t');
  const round = Number(params.get('r') || '1');
  const runs = Number(params.get('runs') || '7');
  const warmup = Number(params.get('warmup') || '2');
  const answer = await fetch(`/api/rounds/${round}/election`);
  if (!answer.ok) throw new Error(`election: HTTP ${answer.status}`);
  const { manifest, election } = await answer.json();
  const loadStarted = performance.now();
  const context = loadElection(manifest, election);
  const loadMs = performance.now() - loadStarted;
  const hash = tokenHash(token);
  const size = manifest.questions.length;
  const times = [];
  let ballot = null;
  for (let run = 0; run < warmup + runs; run++) {
    const choices = manifest.questions.map((question, q) => (q + run) % question.options.length);
    const started = performance.now();
    ballot = encryptBallot({ context, tokenHash: hash, choices });
    const elapsed = performance.now() - started;
    if (run >= warmup) times.push(elapsed);
  }
  verifyBallot({ ballot, manifest, election });
  const response = await fetch(`/api/rounds/${round}/ballots`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(makeSubmission({ token, ballot })),
  });
  report('done', {
    questions: size,
    secureContext: window.isSecureContext,
    userAgent: navigator.userAgent,
    loadElectionMs: loadMs,
    encryptMs: median(times),
    samples: times,
    status: response.status,
  });
}

run().catch((error) => report('error', { error: `${error.name}: ${error.message}` }));
