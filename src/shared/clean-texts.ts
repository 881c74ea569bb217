// Texts the redactor left as they were, remembered, so that the next record with the same
// text skips the patterns: most runs on a host repeat a few commands, and the patterns were
// the larger part of validating a record (docs/performance.md). Only a text that comes
// out unchanged is kept, so the memo never holds a credential, only what the store keeps
// as it is. Bounded by count and by length: when full, it starts over.
import type { Redact } from './redact.ts';

/** The texts remembered, at most; with MAX_CLEAN_LENGTH, about 2 MB at worst. */
export const MAX_CLEAN_TEXTS = 4096;
/** A longer text is redacted every time. */
export const MAX_CLEAN_LENGTH = 256;

/** `redact`, which must be a pure function of its text, with a memo of the texts it leaves alone. */
export function rememberClean(redact: Redact): Redact {
  let clean = new Set<string>();
  return (text) => {
    if (clean.has(text)) return text;
    const out = redact(text);
    if (out === text && text.length <= MAX_CLEAN_LENGTH) {
      if (clean.size >= MAX_CLEAN_TEXTS) clean = new Set();
      clean.add(text);
    }
    return out;
  };
}
