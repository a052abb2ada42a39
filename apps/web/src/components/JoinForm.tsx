import { type FormEvent, useState } from 'react';
import { isJoinValid, type JoinProblems, validateJoin } from '../lib/join-validation.js';
import type { Preferences } from '../lib/storage.js';
import { TextField } from './TextField.js';

// The form's fields in order, each editing the preference of its name.
const FIELDS = [
  { name: 'nick', label: 'Nick', autoComplete: 'nickname' },
  { name: 'room', label: 'Room', autoCapitalize: 'none' },
] as const;

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
  const [values, setValues] = useState<Preferences>({ nick: initial.nick, room: initial.room });
  const [problems, setProblems] = useState<JoinProblems>({});

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const found = validateJoin(values.nick, values.room);
    setProblems(found);
    if (isJoinValid(found)) onJoin({ nick: values.nick.trim(), room: values.room });
  };

  return (
    <form className="panel join-form" onSubmit={onSubmit} noValidate>
      <h2>Join a room</h2>
      {FIELDS.map(({ name, ...attributes }) => (
        <TextField
          key={name}
          {...attributes}
          value={values[name]}
          problem={problems[name]}
          onChange={(value) => setValues((current) => ({ ...current, [name]: value }))}
        />
      ))}
      <button type="submit">{submitLabel}</button>
    </form>
  );
}
