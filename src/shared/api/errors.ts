// The error body of every HTTP answer that is not a success: the text for people and a
// stable `code` for programs (README, "HTTP API"). A bad parameter also names its `field`.
import Type, { type Static } from 'typebox';

/** Every code the HTTP API answers with, and its status. */
export const ERROR_STATUS = {
  bad_parameter: 400,
  bad_request: 400,
  cross_site_refused: 403,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  profile_busy: 409,
  uri_too_long: 414,
  misdirected_host: 421,
  headers_too_large: 431,
  internal: 500,
  dashboard_missing: 500,
  storage_unavailable: 503,
  too_many_streams: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

export const ErrorCodeSchema = Type.Enum(ERROR_CODES, { description: 'stable: programs may rely on it' });

export const ApiError = Type.Object(
  {
    error: Type.String({ description: 'what went wrong, for people' }),
    code: ErrorCodeSchema,
    field: Type.Optional(Type.String({ description: 'the query parameter at fault (bad_parameter only)' })),
  },
  { additionalProperties: false },
);
export type ApiError = Static<typeof ApiError>;
