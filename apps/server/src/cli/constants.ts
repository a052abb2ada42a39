/**
 * Defaults and bounds of the terminal chat client. The wire contract's own limits come from
 * @draftbridge/shared-types; these are the choices the client makes on top of them.
 */
import { PROTOCOLS, type Protocol } from '@draftbridge/protocol-router';
import { DEFAULT_RATE_BURST, DEFAULT_RATE_PER_SECOND } from '@draftbridge/shared-types';

/** The protocols `--protocol` accepts: every one the router's client kit speaks. */
export const CHAT_PROTOCOLS = PROTOCOLS;

/** One protocol the terminal client speaks. */
export type ChatProtocol = Protocol;

/** The server `--url` points at when it is not given. */
export const DEFAULT_SERVER_URL = 'ws://127.0.0.1:8080';

/** The chat endpoint, appended when `--url` names only a server. */
export const CHAT_ENDPOINT_PATH = '/ws';

/**
 * Largest frame and message the client accepts, in bytes. Far above the server's 64 KiB input
 * limit on purpose: a `welcome` carries up to the room's history, which can be megabytes.
 */
export const MAX_RECEIVE_BYTES = 64 * 1024 * 1024;

/** Time allowed to open the connection, handshake included. */
export const CONNECT_TIMEOUT_MS = 10_000;

/** Time the protocol's closing handshake may take before the socket is dropped. */
export const CLOSE_TIMEOUT_MS = 3000;

/** Interval of the JSON `ping`: the drafts have no ping frames, so every protocol uses this. */
export const PING_INTERVAL_MS = 20_000;

/** Time allowed, after input ends, for queued and unacknowledged lines to be echoed back. */
export const DRAIN_TIMEOUT_MS = 5000;

/**
 * The client paces its own `say`s a little under the server's default token bucket (docs/PROTOCOL.md,
 * "Limits and defaults": rate), so that a pasted block of lines arrives whole instead of being
 * answered with `rate_limited`. The margin leaves room for the `join` and the pings.
 */
export const SEND_RATE_PER_SECOND = DEFAULT_RATE_PER_SECOND * 0.9;

/** Burst of the client's own send pacing; see SEND_RATE_PER_SECOND. */
export const SEND_BURST = DEFAULT_RATE_BURST - 4;

/** Prefix of the client id the process picks for itself. */
export const CLIENT_ID_PREFIX = 'cli-';

/** Exit status when the user closed the chat and nothing was lost. */
export const EXIT_OK = 0;

/** Exit status when the connection failed, dropped, or lines were not acknowledged. */
export const EXIT_DISCONNECTED = 1;

/** Exit status for bad command-line arguments. */
export const EXIT_USAGE = 2;
