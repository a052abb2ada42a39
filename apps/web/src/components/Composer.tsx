import { countCodePoints, TEXT_MAX_CODE_POINTS } from '@draftbridge/shared-types';
import { type FormEvent, useId, useState } from 'react';

/** The line where a message is typed; Enter sends it. */
export function Composer({
  onSend,
  label,
  placeholder = label,
}: {
  readonly onSend: (text: string) => void;
  readonly label: string;
  /** What the empty line shows; the label by default (narrow panes pass something shorter). */
  readonly placeholder?: string;
}) {
  const [text, setText] = useState('');
  const inputId = useId();
  const hintId = useId();
  const length = countCodePoints(text.trim());
  const tooLong = length > TEXT_MAX_CODE_POINTS;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (length === 0 || tooLong) return;
    onSend(text);
    setText('');
  };

  return (
    <form className="composer" onSubmit={onSubmit}>
      <label htmlFor={inputId} className="composer-label">
        {label}
      </label>
      <div className="composer-row">
        <input
          id={inputId}
          type="text"
          value={text}
          autoComplete="off"
          placeholder={placeholder}
          aria-describedby={hintId}
          aria-invalid={tooLong}
          onChange={(event) => setText(event.target.value)}
        />
        <button type="submit" disabled={length === 0 || tooLong}>
          Send
        </button>
      </div>
      <p
        id={hintId}
        className={
          tooLong ? 'composer-hint field-hint field-hint--error' : 'composer-hint field-hint'
        }
      >
        {tooLong
          ? `Too long: ${length} of ${TEXT_MAX_CODE_POINTS} characters.`
          : 'Enter sends. Messages typed while disconnected are sent on reconnect.'}
      </p>
    </form>
  );
}
