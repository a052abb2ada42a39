import type { StreamVerdict } from '../lib/compare-streams.js';

const SIDE_NAMES = { left: 'RFC 6455', right: 'draft-76' } as const;

// `more` is the part a phone may leave out.
function describe(verdict: StreamVerdict): { title: string; detail: string; more?: string } {
  switch (verdict.kind) {
    case 'waiting':
      return { title: 'Waiting for messages', detail: 'Send something on either side.' };
    case 'identical':
      return {
        title: 'Streams identical',
        detail: `${verdict.count} message${verdict.count === 1 ? '' : 's'}, seq ${verdict.firstSeq}–${verdict.lastSeq}`,
        more: ': same seq, id and text on both paths.',
      };
    case 'catching-up':
      return {
        title: 'Catching up',
        detail: `The ${SIDE_NAMES[verdict.behind]} side has not received the latest message yet; ${verdict.count} agree so far.`,
      };
    case 'differ':
      return {
        title: 'Streams differ!',
        detail:
          verdict.reason === 'gap'
            ? `The ${verdict.side === null ? '' : `${SIDE_NAMES[verdict.side]} `}stream skipped seq ${verdict.seq}.`
            : `Seq ${verdict.seq} is not the same message on both sides.`,
      };
  }
}

/** The big verdict at the top of the compare view: identical, catching up, or an alarm. */
export function StreamVerdictBanner({ verdict }: { readonly verdict: StreamVerdict }) {
  const { title, detail, more } = describe(verdict);
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
