// Local HTTP servers for tests that talk to something other than patienced: a scripted
// server on a free loopback port, closed after the test, and a port nobody listens on.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

interface TestContext {
  after(fn: () => Promise<void>): void;
}

/** Serves `handler` on 127.0.0.1 and a free port until the test ends; resolves to `http://127.0.0.1:PORT`. */
export async function serveHttp(t: TestContext, handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A port nobody listens on: taken from the OS, then released. */
export async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
