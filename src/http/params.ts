// Query parameters checked at the edge: every bad value is a 400 that names it.
import { parseRfc3339 } from '../shared/rfc3339.ts';

export class BadRequest extends Error {
  override readonly name = 'BadRequest';
  readonly statusCode = 400;
}

export type Query = Record<string, unknown>;

/** Quotes a user-supplied value for an error message, cut to a readable length. */
function shown(v: string): string {
  return JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);
}

function single(q: Query, name: string): string | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new BadRequest(`${name}: give it once`);
  return v;
}

/** An RFC 3339 time as unix ms, or undefined when absent. */
export function timeParam(q: Query, name: string): number | undefined {
  const v = single(q, name);
  if (v === undefined || v === '') return undefined;
  const t = parseRfc3339(v);
  if (!t.ok) throw new BadRequest(`${name}: ${shown(v)} ${t.reason}`);
  return t.ms;
}

/** A positive integer, capped at max. */
export function limitParam(q: Query, name: string, dflt: number, max: number): number {
  const v = single(q, name);
  if (v === undefined || v === '') return dflt;
  if (!/^\d{1,9}$/.test(v) || Number(v) < 1) throw new BadRequest(`${name}: ${shown(v)} is not a positive integer`);
  return Math.min(Number(v), max);
}

export function enumParam<T extends string>(q: Query, name: string, allowed: readonly T[]): T | undefined {
  const v = single(q, name);
  if (v === undefined || v === '') return undefined;
  if (!(allowed as readonly string[]).includes(v)) {
    throw new BadRequest(`${name}: ${shown(v)} is not one of ${allowed.join(', ')}`);
  }
  return v as T;
}

export function stringParam(q: Query, name: string, maxLength: number): string | undefined {
  const v = single(q, name);
  if (v === undefined || v === '') return undefined;
  if (v.length > maxLength) throw new BadRequest(`${name}: longer than ${maxLength} characters`);
  return v;
}
