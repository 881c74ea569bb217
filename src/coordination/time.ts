// wait_until and the API's times: RFC 3339 in UTC with milliseconds, which Go's
// time.Parse(time.RFC3339, …) reads (fractional seconds are accepted there).
export function rfc3339Millis(ms: number): string {
  return new Date(Math.ceil(ms)).toISOString();
}
