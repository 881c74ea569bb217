// The bounds of one run record, in one place: the wire schema enforces them, the CLI
// clips to them, the daemon's default max_message_bytes is computed from them, and
// docs/record-limits.md explains each. A bound exists so that no record, however it is
// built, can make the daemon hold or serve an unreasonable amount of memory, nor turn a
// sum into Infinity.

/** Characters (UTF-16 code units) of the redacted command line: ~100 terminal lines. */
export const MAX_COMMAND_LENGTH = 8192;
/** patience's own `--attempts` maximum. */
export const MAX_ATTEMPTS = 1000;
export const MAX_LABELS = 32;
/** The CLI's label name rule, enforced again at ingest. */
export const LABEL_KEY_PATTERN = '^[A-Za-z0-9_./-]{1,128}$';
export const MAX_LABEL_KEY_LENGTH = 128;
export const MAX_LABEL_VALUE_LENGTH = 1024;
export const MAX_REASON_LENGTH = 1024;
/** A DNS name's limit. */
export const MAX_HOST_LENGTH = 255;
export const MAX_STRATEGY_LENGTH = 64;
/** sha256 in hex; patience sends its first 8 digits. */
export const MAX_COMMAND_HASH_LENGTH = 64;
/** An RFC 3339 time with nanoseconds and an offset is 35 characters. */
export const MAX_TIMESTAMP_TEXT_LENGTH = 64;
/** A run or an attempt lasts at most a year (366 days): far beyond any retry budget. */
export const MAX_DURATION_SECONDS = 366 * 86_400;
/** Exit codes are int32: 0..255 from a process, 128 + N for signals, Windows' NTSTATUS codes. */
export const MIN_EXIT_CODE = -2_147_483_648;
export const MAX_EXIT_CODE = 2_147_483_647;
/** 2000-01-01T00:00:00Z: no run of patience can be older. */
export const MIN_TIMESTAMP_SECONDS = 946_684_800;
/** The CLI and the daemon share the host's clock; this much skew is tolerated. */
export const MAX_FUTURE_MS = 5 * 60_000;

/**
 * The largest valid record as compact JSON (how patience and Go's encoder write it), in
 * bytes: every free-text field at its limit and made of characters that JSON escapes as
 * \uXXXX (6 bytes each), 1000 attempts with the longest numbers a double prints.
 * Whitespace between tokens is not counted: no client pads its JSON.
 */
export const MAX_RECORD_BYTES = largestRecordBytes();

function largestRecordBytes(): number {
  const text = (chars: number): number => 2 + 6 * chars;
  /** The longest JSON text of a double in range, e.g. 0.0000012345678901234567. */
  const number = 25;
  const exitCode = '-2147483648'.length;
  const count = String(MAX_ATTEMPTS).length;
  const attempt = '{"duration_seconds":,"exit_code":,"success":false}'.length + number + exitCode;
  const label = 2 + MAX_LABEL_KEY_LENGTH + 1 + text(MAX_LABEL_VALUE_LENGTH);
  const parts: Array<[key: string, value: number]> = [
    ['command', text(MAX_COMMAND_LENGTH)],
    ['command_hash', text(MAX_COMMAND_HASH_LENGTH)],
    ['final_status', '"succeeded"'.length],
    ['total_duration_seconds', number],
    ['total_attempts', count],
    ['successful_attempts', count],
    ['failed_attempts', count],
    ['attempts', 2 + MAX_ATTEMPTS * attempt + (MAX_ATTEMPTS - 1)],
    // The RFC 3339 pattern admits only ASCII that JSON does not escape.
    ['timestamp', 2 + MAX_TIMESTAMP_TEXT_LENGTH],
    ['strategy', text(MAX_STRATEGY_LENGTH)],
    ['exit_code', exitCode],
    ['reason', text(MAX_REASON_LENGTH)],
    ['host', text(MAX_HOST_LENGTH)],
    ['labels', 2 + MAX_LABELS * label + (MAX_LABELS - 1)],
  ];
  let bytes = 2 + (parts.length - 1);
  for (const [key, value] of parts) bytes += key.length + 3 + value;
  return bytes;
}
