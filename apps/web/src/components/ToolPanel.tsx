import type { ReactNode } from 'react';

/**
 * Members and the wire inspector: a column beside the chat where the screen is wide enough,
 * else a drawer that opens on demand, so the messages and the composer keep the screen.
 */
export function ToolPanel({
  beside,
  summary,
  label,
  children,
}: {
  readonly beside: boolean;
  readonly summary: string;
  readonly label: string;
  readonly children: ReactNode;
}) {
  if (beside) {
    return (
      <aside className="tool-panel" aria-label={label} data-testid="tool-panel">
        {children}
      </aside>
    );
  }
  return (
    <details className="tool-drawer" data-testid="tool-panel">
      <summary>{summary}</summary>
      <section className="tool-drawer-body" aria-label={label}>
        {children}
      </section>
    </details>
  );
}
