/**
 * Timings, sizes and storage keys of the web client, in one place so no module repeats them.
 */

/** How often a live connection sends a JSON `ping` (the hixie drafts have no ping frames). */
export const PING_INTERVAL_MS = 20_000;

/** How long a `ping` may go unanswered before the connection is treated as dead. */
export const PONG_TIMEOUT_MS = 10_000;

/** First reconnect delay; each failed attempt doubles it. */
export const RECONNECT_BASE_DELAY_MS = 500;

/** Longest reconnect delay. */
export const RECONNECT_MAX_DELAY_MS = 15_000;

/** Share of a reconnect delay that is randomised, so many tabs do not reconnect in step. */
export const RECONNECT_JITTER = 0.2;

/** After a `rate_limited` error, pending messages are sent again after this long. */
export const RATE_LIMIT_RESEND_DELAY_MS = 1_000;

/** How many wire frames the inspector keeps. */
export const WIRE_LOG_LIMIT = 40;

/** How many join and leave notices a chat keeps. */
export const NOTICE_LIMIT = 100;

/** How many bytes of a payload the inspector prints before eliding the rest. */
export const WIRE_PAYLOAD_PREVIEW_BYTES = 16;

/** How many frames the wire inspector shows at once: enough to follow, few enough for a projector. */
export const WIRE_FRAMES_SHOWN = 4;

/** How often a countdown on screen is refreshed. */
export const COUNTDOWN_TICK_MS = 250;

/** The room a first visit suggests. */
export const DEFAULT_ROOM = 'lobby';

/** Keys in localStorage (remembered across reloads) and sessionStorage (one tab). */
export const STORAGE_KEYS = {
  nick: 'draftbridge.nick',
  room: 'draftbridge.room',
  clientId: 'draftbridge.client-id',
  legacyPath: 'draftbridge.legacy-path',
  joined: 'draftbridge.joined',
} as const;

/** Query parameter that picks the view, and its values. */
export const VIEW_PARAM = 'view';

/** The compare view's value of `VIEW_PARAM`. */
export const COMPARE_VIEW = 'compare';

/** The lab's value of `VIEW_PARAM`: five panes, one per generation. */
export const LAB_VIEW = 'lab';

/** From this width the lab shows its five panes side by side; below it, one behind each tab. */
export const LAB_GRID_MEDIA = '(min-width: 60em)';

/** How many frames the lab's frame inspector shows for the generation it inspects. */
export const LAB_FRAMES_SHOWN = 3;

/** Fewest characters of a member id shown to tell apart members with the same nick. */
export const NICK_TAG_MIN_LENGTH = 4;

/** From this width the chat shows members and the wire inspector beside the messages, not in a drawer. */
export const CHAT_SIDE_PANEL_MEDIA = '(min-width: 60em)';

/** From this width the compare view has room for the wire inspector as a third column. */
export const COMPARE_SIDE_PANEL_MEDIA = '(min-width: 100em)';
