// Every bound of the host-wide rate-limit ledger, in one place (docs/coordination.md).

/** resource_id length, in UTF-16 code units, as JSON strings are counted elsewhere. */
export const MAX_RESOURCE_ID_LENGTH = 256;
/** The largest rate_limit one request may ask for. */
export const MAX_RATE_LIMIT = 100_000;
/** The longest window: 7 days, in seconds. A longer one is a configuration mistake, and its grants would outlive any retention. */
export const MAX_WINDOW_SECONDS = 7 * 24 * 3600;
/** Resources tracked at once (max_rate_limit_resources). */
export const DEFAULT_MAX_RESOURCES = 10_000;
/** Grant times held across all resources: 8 bytes each, so at most 8 MB. */
export const DEFAULT_MAX_GRANTS = 1_000_000;
