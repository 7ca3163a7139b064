/**
 * The committee page's pool of Web Workers (verify-worker.js) that check ballots in parallel,
 * a few at a time, reporting progress as each chunk comes back. Used as the `verifyBallots` of
 * the committee client (committee.mjs); without Workers it checks on the page itself.
 */

import { verifyInline } from '/js/committee.mjs';

const CHUNK = 3;

export class VerifierPool {
  constructor(size = Math.min(Math.max(navigator.hardwareConcurrency || 2, 1), 4)) {
    this.size = size;
    this.workers = [];
    this.waiting = new Map();
    this.next = 0;
    this.busyMs = 0; // time the workers spent checking (what the benchmark reports)
  }

  worker(position) {
    if (!this.workers[position]) {
      const worker = new Worker('/static/verify-worker.js', { type: 'module' });
      worker.onmessage = (event) => {
        const pending = this.waiting.get(event.data.id);
        this.waiting.delete(event.data.id);
        this.busyMs += event.data.ms ?? 0;
        if (event.data.error) pending?.reject(new Error(event.data.error));
        else pending?.resolve(event.data);
      };
      this.workers[position] = worker;
    }
    return this.workers[position];
  }

  /** `verifyBallots` of the committee client: {checks, sums} over every chunk. */
  verify = async (manifest, election, ballots, onProgress) => {
    if (typeof Worker === 'undefined') return verifyInline(manifest, election, ballots);
    const chunks = [];
    for (let i = 0; i < ballots.length; i += CHUNK) chunks.push(ballots.slice(i, i + CHUNK));
    let done = 0;
    const results = await Promise.all(chunks.map((chunk, position) => new Promise((resolve, reject) => {
      this.next += 1;
      const id = this.next;
      this.waiting.set(id, {
        resolve: (data) => {
          done += chunk.length;
          onProgress?.(done);
          resolve(data);
        },
        reject,
      });
      this.worker(position % this.size).postMessage({ id, manifest, election, ballots: chunk });
    })));
    return { checks: results.flatMap((r) => r.checks), sums: results.map((r) => r.sum) };
  };
}
