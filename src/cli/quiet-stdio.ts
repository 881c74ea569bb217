// A closed stdout or stderr (patience … | head -1) must not crash patience: their write
// errors are dropped. One listener per stream, however often it is asked for.
const ignore = (): void => {};

export function ignoreStdioErrors(): void {
  for (const stream of [process.stdout, process.stderr]) {
    if (!stream.listeners('error').includes(ignore)) stream.on('error', ignore);
  }
}
