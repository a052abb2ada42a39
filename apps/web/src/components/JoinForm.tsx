import { type FormEvent, useState } from 'react';
import { isJoinValid, type JoinProblems, validateJoin } from '../lib/join-validation.js';
import type { Preferences } from '../lib/storage.js';
import { TextField } from './TextField.js';

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

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const found = validateJoin(nick, room);
    setProblems(found);
    if (isJoinValid(found)) onJoin({ nick: nick.trim(), room });
  };

  return (
    <form className="panel join-form" onSubmit={onSubmit} noValidate>
      <h2>Join a room</h2>
      <TextField
        label="Nick"
        value={nick}
        problem={problems.nick}
        autoComplete="nickname"
        onChange={setNick}
      />
      <TextField
        label="Room"
        value={room}
        problem={problems.room}
        autoCapitalize="none"
        onChange={setRoom}
      />
      <button type="submit">{submitLabel}</button>
    </form>
  );
}
