import type { StreamVerdict } from '../lib/compare-streams.js';

function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

// `more` is the part a phone may leave out.
function describe<S extends string>(
  verdict: StreamVerdict<S>,
  names: Readonly<Record<S, string>>,
): { title: string; detail: string; more?: string } {
  const paths = Object.keys(names).length;
  switch (verdict.kind) {
    case 'waiting':
      return { title: 'Waiting for messages', detail: 'Send something on any side.' };
    case 'identical':
      return {
        title: 'Streams identical',
        detail: `${verdict.count} message${verdict.count === 1 ? '' : 's'}, seq ${verdict.firstSeq}–${verdict.lastSeq}`,
        more: `: same seq, id and text on ${paths === 2 ? 'both' : `all ${paths}`} paths.`,
      };
    case 'catching-up': {
      const behind = verdict.behind.map((side) => names[side]);
      return {
        title: 'Catching up',
        detail: `${listNames(behind)} ${behind.length === 1 ? 'has' : 'have'} not received the latest message yet; ${verdict.count} agree so far.`,
      };
    }
    case 'differ':
      return {
        title: 'Streams differ!',
        detail:
          verdict.reason === 'gap' || verdict.against === null
            ? `The ${names[verdict.side]} stream skipped seq ${verdict.seq}.`
            : `Seq ${verdict.seq} is not the same message on ${names[verdict.against]} and ${names[verdict.side]}.`,
      };
  }
}

/** The big verdict on top of the compare view and the lab: identical, catching up, or an alarm. */
export function StreamVerdictBanner<S extends string>({
  verdict,
  names,
}: {
  readonly verdict: StreamVerdict<S>;
  /** What each stream is called on screen. */
  readonly names: Readonly<Record<S, string>>;
}) {
  const { title, detail, more } = describe(verdict, names);
  const alarm = verdict.kind === 'differ';
  return (
    <div
      className={`verdict verdict--${verdict.kind}`}
      data-testid="verdict"
      data-verdict={verdict.kind}
      role={alarm ? 'alert' : 'status'}
    >
      <span className="verdict-icon" aria-hidden="true">
        {verdict.kind === 'identical' ? '✓' : alarm ? '!' : '…'}
      </span>
      <div className="verdict-text">
        <p className="verdict-title">{title}</p>
        <p className="verdict-detail">
          {detail}
          {more !== undefined ? <span className="verdict-more">{more}</span> : null}
        </p>
      </div>
    </div>
  );
}
