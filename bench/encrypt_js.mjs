/**
 * Benchmark of ballot encryption in the browser core, under Node.
 *
 * For R = 1, 10, 30, 50 questions of four options (exactly one selection each; other sizes with
 * PHIEUKIN_BENCH_SIZES="1,2"), encrypt and prove a whole ballot, and print one JSON line with the
 * median milliseconds over RUNS runs after a warm-up:
 * {"encrypt_ms_js_r30": …, "by_r": {"1": …, "10": …, "30": …, "50": …}}.
 * The election (joint key with its window tables) is prepared once, as on the voting page.
 * Called by the Python benchmark as `node bench/encrypt_js.mjs`.
 */

import { makeManifest } from '../tests/js/helpers.mjs';
import {
  encryptBallot, loadElection, makeElection, makeTrustee, tokenHash, verifyAnnouncement,
} from '../ballot_client/js/index.mjs';

const SIZES = (process.env.PHIEUKIN_BENCH_SIZES ?? '1,10,30,50').split(',').map(Number);
const RUNS = Number(process.env.PHIEUKIN_BENCH_RUNS ?? 7);
const WARMUP = 2;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const token = tokenHash('7RZ3W8G2KQ4M9XN5BV6C1TJHP0');
const byR = {};
for (const size of SIZES) {
  const manifest = makeManifest({ questions: size, blank: false });
  const announcements = [1, 2, 3].map((index) => verifyAnnouncement({
    manifest, announcement: makeTrustee({ manifest, index }).announcement,
  }));
  const context = loadElection(manifest, makeElection(manifest, announcements));
  const times = [];
  for (let run = 0; run < WARMUP + RUNS; run++) {
    const choices = Array.from({ length: size }, (_, q) => (q + run) % 4);
    const start = performance.now();
    encryptBallot({ context, tokenHash: token, choices });
    const elapsed = performance.now() - start;
    if (run >= WARMUP) times.push(elapsed);
  }
  byR[String(size)] = Math.round(median(times) * 10) / 10;
}
console.log(JSON.stringify({ encrypt_ms_js_r30: byR['30'] ?? null, by_r: byR }));
