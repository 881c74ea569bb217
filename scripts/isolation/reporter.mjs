// The reporter scripts/test-isolation.mjs reads: one JSON line per finished test at any depth,
// with its depth, whether it is a suite (describe), its outcome, and the first line of its error.
export default async function* isolationReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { name, nesting, skip, todo, details } = event.data;
    const outcome =
      skip !== undefined ? 'skip' : event.type === 'test:pass' ? 'pass' : todo !== undefined ? 'todo' : 'fail';
    const error = outcome === 'fail' ? firstLine(details?.error) : undefined;
    yield `${JSON.stringify({ name, nesting, suite: details?.type === 'suite', outcome, error })}\n`;
  }
}

function firstLine(error) {
  const message = error?.cause?.message ?? error?.message ?? '';
  return String(message).split('\n')[0];
}
