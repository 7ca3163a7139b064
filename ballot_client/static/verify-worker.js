/**
 * A Web Worker of the committee page: checks a chunk of ballots against a round's election
 * (every proof, PROTOCOL.md §15) and returns each ballot's tracker, token hash and any problem,
 * with the chunk's ciphertext sum — so the page stays responsive while hundreds of ballots are
 * verified, during voting already.
 */

import { checkBallots, loadElection } from '/js/index.mjs';

self.onmessage = (event) => {
  const { id, manifest, election, ballots } = event.data;
  try {
    const started = performance.now();
    const { checks, sum } = checkBallots(loadElection(manifest, election), ballots);
    self.postMessage({ id, checks, sum, ms: performance.now() - started });
  } catch (error) {
    self.postMessage({ id, error: String(error?.message ?? error) });
  }
};
