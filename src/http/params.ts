// Query parameters: the route schemas (src/shared/api/) check them; this says what was
// wrong in words that name the parameter, and reads the times the schemas let through.
import type { FastifySchemaValidationError } from 'fastify';
import querystring from 'node:querystring';
import { parseRfc3339 } from '../shared/rfc3339.ts';
import { MAX_LABEL_KEY_LENGTH, MAX_LABEL_VALUE_LENGTH } from '../shared/record-limits.ts';
import type { LabelMatch } from '../store/types.ts';

/** A bad parameter found by a handler (say, start after end): a 400 naming it. */
export class BadRequest extends Error {
  override readonly name = 'BadRequest';
  readonly statusCode = 400;
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** Quotes a user-supplied value for an error message, cut to a readable length. */
function shown(v: string): string {
  return JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);
}

/** An RFC 3339 time (the schema checked its shape and calendar) as unix ms; undefined when absent. */
export function timeParam(field: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t = parseRfc3339(value);
  if (!t.ok) throw new BadRequest(field, `${shown(value)} ${t.reason}`);
  return t.ms;
}

/**
 * label=KEY=VALUE parameters (the schema checked their number and that each has a key) as
 * the store's filters, split at the first "=". The record's bounds count UTF-16 code units
 * (src/shared/text-length.ts), which a schema's maxLength does not.
 */
export function labelParams(field: string, values: readonly string[] | undefined): LabelMatch[] | undefined {
  return values?.map((text) => {
    const at = text.indexOf('=');
    if (at < 1) throw new BadRequest(field, `${shown(text)} has no key before "="`);
    const key = text.slice(0, at);
    const value = text.slice(at + 1);
    if (key.length > MAX_LABEL_KEY_LENGTH)
      throw new BadRequest(field, `${shown(text)} has a key longer than ${MAX_LABEL_KEY_LENGTH} characters`);
    if (value.length > MAX_LABEL_VALUE_LENGTH)
      throw new BadRequest(field, `${shown(text)} has a value longer than ${MAX_LABEL_VALUE_LENGTH} characters`);
    return { key, value };
  });
}

interface ParamSchema {
  type?: unknown;
  format?: string;
  maxItems?: number;
  items?: ParamSchema;
  'x-expect'?: string;
}

/**
 * The first schema error of a query string as `{field, message}`: `limit: "abc" is not a
 * positive integer`. `query` is the raw parse (the schema did not accept it); `properties`
 * the querystring schema's, whose `x-expect` says what each parameter must be.
 */
export function describeQueryError(
  errors: readonly FastifySchemaValidationError[],
  query: unknown,
  properties: Readonly<Record<string, ParamSchema>>,
): { field: string; message: string } {
  const first = errors[0];
  const [, field = '', index] = (first?.instancePath ?? '').split('/');
  let raw = typeof query === 'object' && query !== null ? (query as Record<string, unknown>)[field] : undefined;
  let schema = Object.hasOwn(properties, field) ? properties[field] : undefined;
  if (schema?.type === 'array') {
    // A repeatable parameter: too many of them, or one of them (alone, a plain string) is wrong.
    const given = Array.isArray(raw) ? raw : [raw];
    if (index === undefined) return { field, message: `${field}: at most ${schema.maxItems} may be given` };
    raw = given[Number(index)];
    schema = schema.items;
  } else if (Array.isArray(raw)) return { field, message: `${field}: give it once` };
  const value = typeof raw === 'string' ? raw : String(raw);
  if (schema?.format === 'date-time') {
    const t = parseRfc3339(value);
    if (!t.ok) return { field, message: `${field}: ${shown(value)} ${t.reason}` };
  }
  const expect = schema?.['x-expect'] ?? first?.message ?? 'valid';
  return { field, message: `${field}: ${shown(value)} is not ${expect}` };
}

/** A query string as node:querystring reads it, but an empty value counts as absent (`?since=`). */
export function parseQuery(text: string): Record<string, unknown> {
  const q: Record<string, unknown> = querystring.parse(text);
  for (const k of Object.keys(q)) if (q[k] === '') delete q[k];
  return q;
}
