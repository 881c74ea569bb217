// The floor: a bare node:net server on a Unix socket that only reads and discards, and
// ends its side when the client ends. It is what the daemon's ingest costs are compared
// with. Usage: node bench/floor-server.mjs SOCKET_PATH
// With --reply it also answers {"status":"ok"} before it ends, as the daemon must: the
// fairer floor for one record per connection, printed for context.
// Prints "listening" on stdout when ready; SIGTERM closes it and removes the socket.
import fs from 'node:fs';
import net from 'node:net';

const socketPath = process.argv[2];
const reply = process.argv[3] === '--reply';
const OK = Buffer.from('{"status":"ok"}\n');
if (!socketPath) {
  process.stderr.write('usage: floor-server.mjs SOCKET_PATH\n');
  process.exit(2);
}

const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  socket.on('data', () => {});
  socket.on('end', () => (reply ? socket.end(OK) : socket.end()));
  socket.on('error', () => {});
});

server.listen(socketPath, () => process.stdout.write('listening\n'));

process.on('SIGTERM', () => {
  server.close();
  try {
    fs.unlinkSync(socketPath);
  } catch {
    // already gone
  }
  process.exit(0);
});
