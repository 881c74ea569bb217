// The bounds of one run record, in one place: the wire schema enforces them, the CLI
// clips to them, the daemon's default max_message_bytes is computed from them
// (MAX_RECORD_BYTES in record-fields.ts, which says which field has which), and
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
