import type { ProtocolId } from '@draftbridge/shared-types';
import type { KeyboardEvent } from 'react';
import { LAB_GENERATIONS } from '../lib/lab-generations.js';

/**
 * One tab per generation (WAI-ARIA tabs: arrow keys move between them). `controls` names the
 * element each tab shows, by protocol.
 */
export function GenerationTabs({
  label,
  selected,
  onSelect,
  controls,
  testId,
}: {
  readonly label: string;
  readonly selected: ProtocolId;
  readonly onSelect: (protocol: ProtocolId) => void;
  readonly controls: (protocol: ProtocolId) => string;
  readonly testId: string;
}) {
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    const index = LAB_GENERATIONS.findIndex((g) => g.protocol === selected);
    const count = LAB_GENERATIONS.length;
    const next = LAB_GENERATIONS[(index + step + count) % count];
    if (next === undefined) return;
    event.preventDefault();
    onSelect(next.protocol);
    const tab = event.currentTarget.querySelector<HTMLElement>(
      `[data-protocol="${next.protocol}"]`,
    );
    tab?.focus();
  };
  return (
    <div
      className="generation-tabs"
      role="tablist"
      aria-label={label}
      data-testid={testId}
      onKeyDown={onKeyDown}
    >
      {LAB_GENERATIONS.map((generation) => {
        const active = generation.protocol === selected;
        return (
          <button
            key={generation.protocol}
            type="button"
            role="tab"
            className="generation-tab"
            aria-selected={active}
            aria-controls={controls(generation.protocol)}
            tabIndex={active ? 0 : -1}
            data-protocol={generation.protocol}
            onClick={() => onSelect(generation.protocol)}
          >
            {generation.name}
          </button>
        );
      })}
    </div>
  );
}
