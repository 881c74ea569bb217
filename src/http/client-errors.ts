// Requests that Node's HTTP parser refuses before fastify sees them: a request head over
// Node's limit (16 KiB, a huge query string), a malformed request line, a head that took
// too long. They are answered in the API's error shape, {error, code} (src/shared/api/errors.ts),
// like every other error, then the connection is closed (fastify's default answer has no code).
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { ERROR_STATUS, type ErrorCode } from '../shared/api/errors.ts';
import { errorBody } from './errors.ts';

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
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  // A reset connection has nobody to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, body } = clientErrorAnswer(err.code);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
