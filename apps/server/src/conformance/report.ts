/**
 * The conformance table: one row a case, what was expected, and for each way into the server
 * whether it passed and what it did.
 */
import type { ConformanceCase, Expectation } from './cases.js';
import type { CaseOutcome, ConformancePath } from './run-case.js';

function describeExpectation(expectation: Expectation): string {
  switch (expectation.kind) {
    case 'answer':
      return expectation.type === 'pong' ? `pong(${expectation.t})` : `error:${expectation.code}`;
    case 'pong-frame': {
      const text = expectation.payload.toString('utf8');
      const payload =
        expectation.payload.length <= 16 && /^[\x20-\x7e]*$/.test(text)
          ? `"${text}"`
          : `${expectation.payload.length} B`;
      return `${expectation.last === true ? 'last ' : ''}pong-frame ${payload}`;
    }
    case 'close':
      return `close ${expectation.codes.map((c) => c ?? '(no code)').join('|')}; FIN`;
    case 'pongs-in-order':
      return `pong(${expectation.ts[0]} .. ${expectation.ts.at(-1)}) in order`;
    case 'silent':
      return 'nothing';
  }
}

/** Formats the results as a plain-text table. */
export function formatConformanceTable(
  cases: readonly ConformanceCase[],
  paths: readonly ConformancePath[],
  outcome: (testCase: ConformanceCase, path: ConformancePath) => CaseOutcome | undefined,
): string {
  const header = ['case', 'expected', ...paths.map((p) => p.name), 'what'];
  const rows = cases.map((testCase) => [
    testCase.id,
    testCase.expect.map(describeExpectation).join(', '),
    ...paths.map((path) => {
      const result = outcome(testCase, path);
      return result === undefined ? 'not run' : `${result.pass ? 'pass' : 'FAIL'}: ${result.seen}`;
    }),
    testCase.title,
  ]);
  const widths = header.map((_, i) =>
    Math.max(...[header, ...rows].map((row) => (row[i] ?? '').length)),
  );
  const line = (row: readonly string[]) =>
    row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join(' | ');
  const passed = rows
    .flatMap((row) => row.slice(2, 2 + paths.length))
    .filter((cell) => cell.startsWith('pass')).length;
  return [
    line(header),
    widths.map((w, i) => '-'.repeat(i === widths.length - 1 ? 4 : w)).join('-+-'),
    ...rows.map(line),
    `${passed} of ${cases.length * paths.length} passed (${cases.length} cases on ${paths.length} paths)`,
  ].join('\n');
}
