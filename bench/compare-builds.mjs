// Compares builds of the daemon side by side on one load, interleaved, against the floor
// that replies: how the per-change figures in docs/performance.md were measured.
//
//   node --expose-gc bench/compare-builds.mjs ROUNDS NAME=PATH/patienced.cjs[:NODE_FLAG,...] ...
//
// A build may name Node flags after a colon (e.g. old=a/patienced.cjs:--max-semi-space-size=2),
// to weigh a flag against no flag on one build.
// Copy each build's dist/patienced.cjs (and dist/web/) into a directory inside the
// repository first, so that it finds node_modules. Every round runs each server once,
// reversing the order every other round, with one record per connection from C clients
// (C=8, N=12000 records per round unless the environment says C= / N=); MODE=stream sends
// 50,000 records on one connection instead, with no floor. Prints each round, each build's
// median CPU per record and its ratio to the floor (or to the first build), and each build
// after the first against the first: median (min–max) of the round pairs.
import path from 'node:path';
import { spawnBenchDaemon, startFloor, cleanUpOnExit, stopAll } from './lib/daemon.mjs';
import { makeRecords, onePerConnection, packChunks, stream, toLineBuffers } from './lib/load.mjs';
import { cpuTimes, median, sleep, clientGc } from './lib/measure.mjs';

cleanUpOnExit();
const rounds = Number(process.argv[2]);
const builds = process.argv.slice(3).map((a) => {
  const eq = a.indexOf('=');
  const [bin = '', flags = ''] = a.slice(eq + 1).split(':');
  return eq > 0 ? [a.slice(0, eq), bin, flags.split(',').filter(Boolean)] : [];
});
if (!(rounds > 0) || builds.length === 0 || builds.some((b) => b.length !== 3 || b[1] === '')) {
  process.stderr.write('usage: compare-builds.mjs ROUNDS NAME=PATH/patienced.cjs ...\n');
  process.exit(2);
}
const N = Number(process.env.N ?? 12000);
const C = Number(process.env.C ?? 8);
const STREAM = process.env.MODE === 'stream';
const STREAM_N = 50_000;
const nowSec = Math.floor(Date.now() / 1000);
const pool = toLineBuffers(makeRecords(20_000, { seed: 1, nowSec }));
const prefill = packChunks(toLineBuffers(makeRecords(12_000, { seed: 2, nowSec })));
const streamChunks = STREAM ? packChunks(toLineBuffers(makeRecords(STREAM_N, { seed: 3, nowSec }))) : [];

const servers = [];
if (!STREAM) servers.push({ name: 'floor', s: await startFloor({ reply: true }) });
for (const [name, bin, nodeFlags] of builds) {
  const s = await spawnBenchDaemon({ label: name, bin: path.resolve(bin), nodeFlags });
  await stream(s.socketPath, prefill, 12_000, { expectOk: true });
  servers.push({ name, s });
}

/** One load on one server: its CPU (utime+stime) per record. */
async function phase(x, n) {
  clientGc();
  await sleep(100);
  const c0 = cpuTimes(x.s.pid);
  const r = STREAM
    ? await stream(x.s.socketPath, streamChunks, STREAM_N, { expectOk: true })
    : await onePerConnection(x.s.socketPath, pool, n, C, { expectOk: true });
  await sleep(20);
  const c1 = cpuTimes(x.s.pid);
  if (r.errors || r.badReplies) throw new Error(`${x.name}: ${r.errors} errors, ${r.badReplies} bad replies`);
  const sys = (c1.sys - c0.sys) / r.records;
  sysShare[x.name].push(sys);
  return (c1.user + c1.sys - c0.user - c0.sys) / r.records;
}

const res = Object.fromEntries(servers.map((x) => [x.name, []]));
/** The kernel's part (stime) of each phase's CPU per record. */
const sysShare = Object.fromEntries(servers.map((x) => [x.name, []]));
const ref = servers[0].name;
for (const x of servers) await phase(x, 3000);
for (let r = 0; r < rounds; r++) {
  for (const x of r % 2 ? [...servers].reverse() : servers) res[x.name].push(await phase(x, N));
  const each = servers.map((x) => `${x.name} ${res[x.name][r].toFixed(0)}`).join('  ');
  const ratios = servers.slice(1).map((x) => (res[x.name][r] / res[ref][r]).toFixed(2));
  console.log(`round ${r}: ${each} µs/rec; against ${ref} ${ratios.join(' ')}`);
}
const range = (v) => `${median(v).toFixed(2)} (${Math.min(...v).toFixed(2)}–${Math.max(...v).toFixed(2)})`;
for (const x of servers) {
  console.log(
    `${x.name.padEnd(12)} ${median(res[x.name]).toFixed(1)} µs/rec (${median(sysShare[x.name]).toFixed(1)} in the kernel); against ${ref} ${range(res[x.name].map((v, i) => v / res[ref][i]))}`,
  );
}
const first = STREAM ? undefined : servers[1];
for (const x of first ? servers.slice(2) : []) {
  console.log(`${x.name} / ${first.name}: ${range(res[x.name].map((v, i) => v / res[first.name][i]))}`);
}
await stopAll();
