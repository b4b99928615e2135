// Peak memory of every process this Node process started (the browser and all its children),
// sampled from /proc (Linux only). Two sums, because Chromium runs several processes that map
// the same binary and libraries: RSS counts each shared page once per process (an overcount),
// PSS divides each shared page among the processes that map it (what the browser as a whole holds;
// the kernel's own accounting, as `smem` reports it).
import { readdirSync, readFileSync } from 'node:fs';

/** Parent pid of each process, from /proc/PID/stat. */
function parents() {
  /** @type {Map<number, number>} */
  const out = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      out.set(Number(name), ppid);
    } catch {
      // the process ended while listing
    }
  }
  return out;
}

/** Every descendant of `root`. */
function descendants(root) {
  const up = parents();
  return [...up.keys()].filter((pid) => {
    for (let p = up.get(pid); p !== undefined && p > 1; p = up.get(p)) if (p === root) return true;
    return false;
  });
}

/** { rss, pss } in bytes for one process (zeros when it ended). */
function usage(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (/** @type {string} */ key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
    return { rss: kb('Rss'), pss: kb('Pss') };
  } catch {
    return { rss: 0, pss: 0 };
  }
}

/**
 * Starts sampling the descendants of this process every `everyMs`; `stop()` gives the peaks of
 * their summed RSS and PSS (bytes), or null where /proc cannot be read.
 * @param {number} [everyMs]
 */
export function sampleMemory(everyMs = 200) {
  let peak = { rss: 0, pss: 0 };
  let readable = true;
  const sample = () => {
    try {
      const sum = descendants(process.pid).map(usage).reduce((a, b) => ({ rss: a.rss + b.rss, pss: a.pss + b.pss }), { rss: 0, pss: 0 });
      peak = { rss: Math.max(peak.rss, sum.rss), pss: Math.max(peak.pss, sum.pss) };
    } catch {
      readable = false;
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return readable && peak.rss > 0 ? peak : null;
    },
  };
}
