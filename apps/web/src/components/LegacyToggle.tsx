import { PROTOCOL_LABELS } from '@draftbridge/shared-types';
import { useId } from 'react';
import {
  type ChatPath,
  createRelayPath,
  DIRECT_PATH,
  DRAFT_PROTOCOLS,
  isLegacyDraft,
  LEGACY_DRAFTS,
  type LegacyDraft,
} from '../lib/chat-path.js';

/** The "force legacy draft" switch and the choice of draft, which move this tab to the relay. */
export function LegacyToggle({
  path,
  draft,
  onChange,
}: {
  readonly path: ChatPath;
  readonly draft: LegacyDraft;
  readonly onChange: (path: ChatPath, draft: LegacyDraft) => void;
}) {
  const hintId = useId();
  const draftId = useId();
  const on = path.kind === 'relay';
  return (
    <fieldset className="legacy-toggle">
      <legend>Legacy path</legend>
      <label className="switch">
        <input
          type="checkbox"
          role="switch"
          checked={on}
          aria-checked={on}
          aria-describedby={hintId}
          onChange={(event) =>
            onChange(
              event.target.checked ? createRelayPath(DRAFT_PROTOCOLS[draft]) : DIRECT_PATH,
              draft,
            )
          }
        />
        <span>Force legacy draft</span>
      </label>
      <span className="draft-choice">
        <label htmlFor={draftId}>Draft</label>
        <select
          id={draftId}
          value={draft}
          onChange={(event) => {
            const next = event.target.value;
            if (isLegacyDraft(next)) {
              onChange(on ? createRelayPath(DRAFT_PROTOCOLS[next]) : DIRECT_PATH, next);
            }
          }}
        >
          {LEGACY_DRAFTS.map((value) => (
            <option key={value} value={value}>
              {PROTOCOL_LABELS[DRAFT_PROTOCOLS[value]]}
            </option>
          ))}
        </select>
      </span>
      <p id={hintId} className="field-hint">
        On: this tab talks RFC 6455 to the server's relay, which carries it over a real{' '}
        {PROTOCOL_LABELS[DRAFT_PROTOCOLS[draft]]} socket.
      </p>
    </fieldset>
  );
}
