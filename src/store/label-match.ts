// recent()'s label filter (LabelMatch in types.ts): a run matches when its labels hold every
// wanted key with exactly its value. The memory store keeps each label set as the JSON text
// JSON.stringify wrote (extra-columns.ts) and tests it here; the SQLite store tests it in SQL
// (LABEL_SQL in sqlite-recent.ts), and store-recent-random.test.ts holds both to hasLabels.

import type { LabelMatch } from './types.ts';

/** Whether `labels` has each wanted key as its own property (never an inherited one) with exactly its value. */
export function hasLabels(
  labels: Readonly<Record<string, string>> | undefined,
  wanted: readonly LabelMatch[],
): boolean {
  if (labels === undefined) return wanted.length === 0;
  for (const { key, value } of wanted) if (!Object.hasOwn(labels, key) || labels[key] !== value) return false;
  return true;
}

/**
 * hasLabels on a label set as JSON.stringify wrote it. Such a text holding key K with value V
 * contains `JSON.stringify(K):JSON.stringify(V)`, so a text without it is refused unparsed:
 * a scan past a million sets parses only the few that pass. Passing is no proof
 * (`{"a":":","b":"c"}` contains `":":","` and has no key ":"), so those few are parsed and checked.
 */
export function labelTextMatcher(wanted: readonly LabelMatch[]): (json: string) => boolean {
  const needles = wanted.map(({ key, value }) => `${JSON.stringify(key)}:${JSON.stringify(value)}`);
  return (json) => {
    for (const needle of needles) if (!json.includes(needle)) return false;
    return hasLabels(JSON.parse(json) as Record<string, string>, wanted);
  };
}
