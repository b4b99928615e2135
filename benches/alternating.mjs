// Shared by benches/run.mjs (Node) and benches/browser/page.js (Chromium): how a k-means
// iteration is timed, the same way for every contestant.

/**
 * The best time (seconds) of `run(2)` and of `run(long)` and their results, the two alternating
 * `reps` times. This machine has slow spells lasting seconds: timed as two blocks, a quiet spell
 * for the short runs and a slow one for the long runs (or the reverse) moved the difference
 * between them by 2× (100k rows in Node: T(2) 35 ms throughout, T(20) 70 ms in one spell and
 * 50 ms in the next).
 * @param {number} reps
 * @param {(it: number) => number | Promise<number>} run  runs `it` iterations, returns how many ran
 * @param {number} long
 * @returns {Promise<[{ t: number, out: number }, { t: number, out: number }]>}
 */
export async function alternating(reps, run, long) {
  const short = { t: Infinity, out: 0 };
  const longer = { t: Infinity, out: 0 };
  for (let i = 0; i < reps; i++) {
    for (const [r, it] of /** @type {const} */ ([[short, 2], [longer, long]])) {
      const s = performance.now();
      r.out = await run(it);
      r.t = Math.min(r.t, (performance.now() - s) / 1000);
    }
  }
  return [short, longer];
}

/**
 * Time per iteration between the two runs of {@link alternating}: (T(long) − T(2)) / (iterations
 * between), so fixed costs (copying data in, the final assignment, results out) are not counted.
 * Hamerly's iterations get cheaper as the clustering settles, so two such times compare only over
 * the same iterations.
 * @param {{ t: number, out: number }} a
 * @param {{ t: number, out: number }} b
 */
export function perIteration(a, b) {
  if (b.out - a.out < 5) throw new Error(`only ${b.out - a.out} iterations apart: the data converges too fast to time iterations`);
  return (b.t - a.t) / (b.out - a.out);
}

/**
 * Rounds of {@link alternating} at `n` rows, for every contestant in Node and in Chromium. At 100k
 * rows seglens's iteration is about 1 ms against a fixed cost of 20–40 ms per run, so the 18
 * iterations between the two runs are a small difference of two noisy times: with 7 rounds, three
 * Chromium runs of the same build on 2026-11-27 gave 0.88, 1.32 and 1.36 ms; with 15, 0.98, 0.91
 * and 0.90 ms. At 1M rows its early iterations stream most of the 64 MB of rows and vary with the
 * machine's memory traffic: with 3 rounds two Chromium runs gave 7.6 and 15.0 ms, with 5 rounds
 * 11.3 and 12.8 ms.
 * @param {number} n
 */
export const roundsFor = (n) => (n <= 100_000 ? 15 : 5);
