// Requests refused before any route sees them, answered in the API's error shape,
// {error, code} (src/shared/api/errors.ts), like every other error (fastify's own answers
// carry its internal codes and a `message`):
// - by Node's HTTP parser: a request head over Node's limit (16 KiB, a huge query string),
//   a malformed request line, a head that took too long; the connection is then closed;
// - by fastify's router: a path with an invalid percent-escape (`/assets/%zz`) or a path
//   parameter over its length limit.
import http from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_STATUS, type ErrorCode } from '../shared/api/errors.ts';
import { errorBody, sendError } from './errors.ts';

/** The status line and JSON body for a parser error's code. */
export function clientErrorAnswer(parserCode: string | undefined): { status: number; body: string } {
  let code: ErrorCode = 'bad_request';
  let text = 'malformed HTTP request';
  if (parserCode === 'HPE_HEADER_OVERFLOW') {
    code = 'headers_too_large';
    text = 'the request line and headers exceed the server limit of 16 KiB; send a shorter query string';
  } else if (parserCode === 'ERR_HTTP_REQUEST_TIMEOUT') {
    code = 'request_timeout';
    text = 'the request did not arrive in time';
  }
  return { status: ERROR_STATUS[code], body: JSON.stringify(errorBody(code, text)) };
}

/** fastify's clientErrorHandler: writes the answer on the raw socket and closes it. */
export function answerClientError(err: { code?: string; rawPacket?: unknown }, socket: Duplex): void {
  // A reset connection has nobody to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, body } = clientErrorAnswer(err.code);
  // The answer to HEAD has no body: a client would read one as garbage after the head.
  const raw = err.rawPacket;
  const head = Buffer.isBuffer(raw) && raw.subarray(0, 5).toString('latin1') === 'HEAD ';
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${head ? '' : body}`,
    );
  }
  socket.destroy();
}

/** fastify's frameworkErrors: what its router refuses, said without echoing the path. */
export function answerRouterError(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  if (err.code === 'FST_ERR_BAD_URL') void sendError(reply, 'bad_request', 'the path has an invalid percent-escape');
  else if (err.code === 'FST_ERR_MAX_PARAM_LENGTH')
    void sendError(reply, 'uri_too_long', 'a part of the path is too long');
  else void sendError(reply, 'internal', 'internal error');
}
