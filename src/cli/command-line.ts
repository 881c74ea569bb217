// The command as one line, quoted the way a POSIX shell would read it back, so the
// record shows `curl -H 'Authorization: ***' https://…` and redaction stops at the quote.

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function commandLine(argv: readonly string[]): string {
  return argv.map((a) => (SAFE.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)).join(' ');
}
