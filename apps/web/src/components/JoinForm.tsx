import { type FormEvent, useId, useState } from 'react';
import { isJoinValid, type JoinProblems, validateJoin } from '../lib/join-validation.js';
import type { Preferences } from '../lib/storage.js';

/** Nick and room, checked with the server's rules before anything is sent. */
export function JoinForm({
  initial,
  submitLabel,
  onJoin,
}: {
  readonly initial: Preferences;
  readonly submitLabel: string;
  readonly onJoin: (preferences: Preferences) => void;
}) {
  const [nick, setNick] = useState(initial.nick);
  const [room, setRoom] = useState(initial.room);
  const [problems, setProblems] = useState<JoinProblems>({});
  const nickId = useId();
  const roomId = useId();

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const found = validateJoin(nick, room);
    setProblems(found);
    if (isJoinValid(found)) onJoin({ nick: nick.trim(), room });
  };

  return (
    <form className="panel join-form" onSubmit={onSubmit} noValidate>
      <h2>Join a room</h2>
      <div className="field">
        <label htmlFor={nickId}>Nick</label>
        <input
          id={nickId}
          value={nick}
          autoComplete="nickname"
          aria-invalid={problems.nick !== undefined}
          aria-describedby={problems.nick !== undefined ? `${nickId}-error` : undefined}
          onChange={(event) => setNick(event.target.value)}
        />
        {problems.nick !== undefined ? (
          <p id={`${nickId}-error`} className="field-hint field-hint--error">
            {problems.nick}
          </p>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor={roomId}>Room</label>
        <input
          id={roomId}
          value={room}
          autoCapitalize="none"
          aria-invalid={problems.room !== undefined}
          aria-describedby={problems.room !== undefined ? `${roomId}-error` : undefined}
          onChange={(event) => setRoom(event.target.value)}
        />
        {problems.room !== undefined ? (
          <p id={`${roomId}-error`} className="field-hint field-hint--error">
            {problems.room}
          </p>
        ) : null}
      </div>
      <button type="submit">{submitLabel}</button>
    </form>
  );
}
