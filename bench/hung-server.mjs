// A hung daemon: a bare node:net server on a Unix socket that accepts connections, reads
// and discards what arrives, and never writes or closes, so a client waits for an answer
// that never comes. Usage: node bench/hung-server.mjs SOCKET_PATH
// Prints "listening" on stdout when ready; SIGTERM closes it and removes the socket.
import fs from 'node:fs';
import net from 'node:net';

const socketPath = process.argv[2];
if (!socketPath) {
  process.stderr.write('usage: hung-server.mjs SOCKET_PATH\n');
  process.exit(2);
}

const sockets = new Set();
const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  sockets.add(socket);
  socket.on('data', () => {});
  socket.on('error', () => {});
  socket.on('close', () => sockets.delete(socket));
});

server.listen(socketPath, () => process.stdout.write('listening\n'));

process.on('SIGTERM', () => {
  for (const s of sockets) s.destroy();
  server.close();
  try {
    fs.unlinkSync(socketPath);
  } catch {
    // already gone
  }
  process.exit(0);
});
