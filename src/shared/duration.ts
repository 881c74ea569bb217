// Go-style durations ("24h", "1h30m", "500ms", "1.5s", "0"), as time.ParseDuration reads
// them. Written here because no npm parser matches Go: parse-duration accepts "10" and
// "1d", and ms cannot read "1h30m"; both were tried and rejected.

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

// µs and μs (micro sign, Greek mu) as escapes: the CLI bundle must stay ASCII (scripts/build.mjs).
const PART = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/;

/** Parses a Go duration string into milliseconds; returns undefined when it is not one. */
export function parseGoDuration(text: string): number | undefined {
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  while (rest.length > 0) {
    const m = PART.exec(rest);
    if (!m) return undefined;
    const value = Number(m[1]);
    const unit = UNIT_MS[m[2] as string];
    if (!Number.isFinite(value) || unit === undefined) return undefined;
    total += value * unit;
    rest = rest.slice(m[0].length);
  }
  return Number.isFinite(total) ? sign * total : undefined;
}

/** Formats milliseconds the way Go's Duration.String does: "24h0m0s", "1.5s", "500ms", "0s". */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let ns = Math.round(Math.abs(ms) * 1e6);
  let out: string;
  if (ns < 1e9) {
    if (ns < 1e3) out = `${ns}ns`;
    else if (ns < 1e6) out = `${trim(ns / 1e3)}µs`;
    else out = `${trim(ns / 1e6)}ms`;
  } else {
    const h = Math.floor(ns / 3.6e12);
    ns -= h * 3.6e12;
    const m = Math.floor(ns / 6e10);
    ns -= m * 6e10;
    const s = `${trim(ns / 1e9)}s`;
    out = h > 0 ? `${h}h${m}m${s}` : m > 0 ? `${m}m${s}` : s;
  }
  return neg ? `-${out}` : out;
}

function trim(n: number): string {
  return String(Number(n.toFixed(9)));
}
