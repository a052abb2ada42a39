import type { ReactNode } from 'react';
import { COMPARE_VIEW, LAB_VIEW, VIEW_PARAM } from '../lib/constants.js';

/** Which page is showing. */
export type View = 'chat' | 'compare' | 'lab';

/** The title bar: name, the views, and whatever the page adds (status, toggle). */
export function AppHeader({
  view,
  children,
}: {
  readonly view: View;
  readonly children?: ReactNode;
}) {
  return (
    <header className="app-header">
      <div className="app-title">
        <h1>draftbridge</h1>
        <nav aria-label="Views">
          <a href="/" aria-current={view === 'chat' ? 'page' : undefined}>
            Chat
          </a>
          <a
            href={`/?${VIEW_PARAM}=${COMPARE_VIEW}`}
            aria-current={view === 'compare' ? 'page' : undefined}
          >
            Compare view
          </a>
          <a
            href={`/?${VIEW_PARAM}=${LAB_VIEW}`}
            aria-current={view === 'lab' ? 'page' : undefined}
          >
            Lab
          </a>
        </nav>
      </div>
      {children}
    </header>
  );
}
