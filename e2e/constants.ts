/**
 * Settings of the browser tests, in one place.
 */

/** Debian's Chromium; Playwright's own browser download is never used. `CHROMIUM_PATH` overrides it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for Chromium in a container: no sandbox, no GPU, nothing that calls home. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
] as const;

/** The environment variable through which global setup hands the server's URL to the tests. */
export const BASE_URL_ENV = 'DRAFTBRIDGE_E2E_URL';

/** Set to 1 to also write the compare-view screenshot to docs/ for the README. */
export const DOCS_SCREENSHOT_ENV = 'DRAFTBRIDGE_DOCS_SCREENSHOT';

/** How long the built server may take to start. */
export const SERVER_START_TIMEOUT_MS = 20_000;

/** The screen size of the screenshots: a common projector resolution. */
export const VIEWPORT = { width: 1280, height: 800 } as const;

/** A phone's screen, for the phone-size screenshot. */
export const PHONE_VIEWPORT = { width: 390, height: 844 } as const;

/** The screens the layout must fill: projectors and laptops, then phones down to the smallest. */
export const LAYOUT_VIEWPORTS = [
  { width: 1920, height: 1080 },
  VIEWPORT,
  { width: 1024, height: 768 },
  PHONE_VIEWPORT,
  { width: 360, height: 640 },
  { width: 320, height: 568 },
] as const;
