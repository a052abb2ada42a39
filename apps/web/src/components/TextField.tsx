import { type InputHTMLAttributes, useId } from 'react';

/** A labelled text input whose problem, when it has one, is shown below it and read with it. */
export function TextField({
  label,
  value,
  problem,
  onChange,
  ...inputAttributes
}: {
  readonly label: string;
  readonly value: string;
  readonly problem: string | undefined;
  readonly onChange: (value: string) => void;
} & Pick<InputHTMLAttributes<HTMLInputElement>, 'autoComplete' | 'autoCapitalize'>) {
  const id = useId();
  const problemId = `${id}-error`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        value={value}
        {...inputAttributes}
        aria-invalid={problem !== undefined}
        aria-describedby={problem !== undefined ? problemId : undefined}
        onChange={(event) => onChange(event.target.value)}
      />
      {problem !== undefined ? (
        <p id={problemId} className="field-hint field-hint--error">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
