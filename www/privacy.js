// Privacy-preserving exports, for sharing results under GDPR/CCPA-minded
// policies. Both work on what the page already has; nothing leaves it.
//
// - Pseudonymised labels: each customer id becomes HMAC-SHA-256(key, id),
//   first 16 hex digits. The key is generated once in this browser
//   (crypto.getRandomValues) and kept in localStorage, so the same customer
//   gets the same pseudonym in every export from this machine, and nobody
//   without the key can reverse or recompute it.
// - Aggregate-only report: segment sizes and profiles and the cohort tables,
//   with every cell built from fewer than `minCell` customers suppressed
//   (null), and no per-customer data at all.

const KEY_NAME = 'seglens.pseudonym-key.v1';

/** The per-browser HMAC key (created on first use). @returns {Promise<CryptoKey>} */
async function pseudonymKey() {
  let hex = null;
  try {
    hex = localStorage.getItem(KEY_NAME);
  } catch {
    // storage blocked (private mode, sandboxed iframe): a key for this page view only
  }
  if (!hex) {
    const raw = crypto.getRandomValues(new Uint8Array(32));
    hex = Array.from(raw, (b) => b.toString(16).padStart(2, '0')).join('');
    try {
      localStorage.setItem(KEY_NAME, hex);
    } catch {
      // see above
    }
  }
  const bytes = new Uint8Array((hex.match(/../g) ?? []).map((h) => parseInt(h, 16)));
  return crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

/**
 * The labels CSV with ids replaced by keyed pseudonyms (`pseudonym,segment,name`).
 * @param {string[]} ids
 * @param {ArrayLike<number>} labels
 * @param {import('./types').Report} report
 */
export async function pseudonymisedLabelsCsv(ids, labels, report) {
  const key = await pseudonymKey();
  const enc = new TextEncoder();
  const lines = ['pseudonym,segment,name'];
  for (let i = 0; i < ids.length; i++) {
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(ids[i])));
    const p = Array.from(mac.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
    const name = report.segments[labels[i]]?.name ?? '';
    lines.push(`${p},${labels[i]},"${name.replaceAll('"', '""')}"`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Segment and cohort aggregates with small cells suppressed.
 * @param {import('./types').Report} r
 * @param {number} minCell  smallest number of customers a published figure may rest on (default 10)
 */
export function aggregateReport(r, minCell = 10) {
  const ok = (/** @type {number} */ n) => n >= minCell;
  return {
    note: `aggregates only; figures from fewer than ${minCell} customers are suppressed (null)`,
    min_cell: minCell,
    method: r.method,
    customers: ok(r.customers) ? r.customers : null,
    features: r.features,
    segments: r.segments.map((s) => ({
      name: s.name,
      size: ok(s.size) ? s.size : null,
      share: ok(s.size) ? s.share : null,
      profile: ok(s.size) ? s.profile : null,
      lift: ok(s.size) ? s.lift : null,
      rule: s.rule,
    })),
    cohorts: r.cohorts && {
      period: r.cohorts.period,
      first_time: r.cohorts.first_time.map((c) => ({
        cohort: c.cohort,
        size: ok(c.size) ? c.size : null,
        retained: c.retained.map((n) => (ok(c.size) && ok(n) ? n : null)),
      })),
      lifecycle: r.cohorts.lifecycle.map((l) => ({
        period: l.period,
        new: ok(l.new) ? l.new : null,
        returning: ok(l.returning) ? l.returning : null,
        resurrecting: ok(l.resurrecting) ? l.resurrecting : null,
        dormant: ok(l.dormant) ? l.dormant : null,
      })),
    },
  };
}
