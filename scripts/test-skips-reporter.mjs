// A node:test reporter that writes one JSON line per skipped test or suite (name, file, reason), for
// scripts/run-tests.mjs to sum up after the run.
export default async function* skips(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { skip, name, file, details } = event.data;
    if (skip === undefined || skip === false) continue;
    const reason = typeof skip === 'string' ? skip : '(no reason given)';
    yield `${JSON.stringify({ name, file, reason, suite: details?.type === 'suite' })}\n`;
  }
}
