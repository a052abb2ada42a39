import type { HttpHead } from '../lib/handshake-trace.js';

/**
 * An HTTP head as it crossed the socket, one line per row, with the lines a lesson points at
 * marked and explained (`notes`, by lower-case header name).
 */
export function HttpHeadView({
  head,
  label,
  notes,
  testId,
}: {
  readonly head: HttpHead;
  readonly label: string;
  readonly notes: Readonly<Record<string, string>>;
  readonly testId: string;
}) {
  return (
    <figure className="http-head" data-testid={testId}>
      <figcaption className="frame-row-label">
        {label} · {head.bytes.length} bytes
      </figcaption>
      <ol className="http-head-lines">
        <li className="http-head-line">
          <code>{head.startLine}</code>
        </li>
        {head.headers.map(([name, value], index) => {
          const note = notes[name.toLowerCase()];
          const marked =
            note === undefined ? 'http-head-line' : 'http-head-line http-head-line--marked';
          return (
            // Header lines never reorder; a name may repeat, so the position is the key.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above.
            <li key={index} className={marked}>
              <code>
                <span className="http-head-name">{name}:</span> {value}
              </code>
              {note !== undefined ? <span className="http-head-note">{note}</span> : null}
            </li>
          );
        })}
      </ol>
    </figure>
  );
}
