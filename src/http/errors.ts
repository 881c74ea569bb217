// Error answers, one shape for all of them (src/shared/api/errors.ts): the text, a stable
// code, and for a bad parameter its field. Routes list the ones they may give in their
// response schemas with `errorResponses`, so that /api/openapi.json documents them.
import type { FastifyReply } from 'fastify';
import type { TSchema } from 'typebox';
import { ApiError, ERROR_STATUS, type ErrorCode } from '../shared/api/errors.ts';

export function errorBody(code: ErrorCode, error: string, field?: string): ApiError {
  return field === undefined ? { error, code } : { error, code, field };
}

/** Sends the error with its code's status (a reply of any route, typed or not). */
export function sendError(reply: FastifyReply, code: ErrorCode, error: string, field?: string): FastifyReply {
  return reply.code(ERROR_STATUS[code]).send(errorBody(code, error, field));
}

/** Response schemas for the given codes, grouped by status, each saying which codes it carries. */
export function errorResponses(...codes: ErrorCode[]): Record<number, TSchema> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const c of codes) byStatus.set(ERROR_STATUS[c], [...(byStatus.get(ERROR_STATUS[c]) ?? []), c]);
  const out: Record<number, TSchema> = {};
  for (const [status, list] of byStatus) out[status] = { ...ApiError, description: `code: ${list.join(' or ')}` };
  return out;
}

/** Every route may meet these: a Host it does not serve (guard.ts) and a failure of its own. */
export const COMMON_ERRORS: ErrorCode[] = ['misdirected_host', 'internal'];
