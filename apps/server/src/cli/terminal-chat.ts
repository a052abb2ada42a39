/**
 * The client side of one chat, for the terminal: over a connection of any protocol (the router
 * package's client kit), it joins, shows what the server sends, sends the
 * user's lines as `say`, keeps the connection alive with JSON pings, and closes.
 *
 * Design notes (docs/PROTOCOL.md, "Messages" and "Guarantees"):
 * - Every frame is validated with `decodeServerMessage`; one that fails is reported and skipped.
 * - The server echoes each `say` to its sender, and that echo is the acknowledgement: a line
 *   stays pending until its `message` with our `client` and its `id` comes back.
 * - Lines typed before the `welcome` wait for it, since `join` must come first.
 * - At the end of input the session waits (bounded) for every line to be acknowledged before it
 *   closes, so `echo hi | chat ...` delivers `hi`. Ctrl-C closes at once.
 * - The drafts have no ping frames, so a JSON `ping` goes out on every protocol; a ping still
 *   unanswered when the next is due means the server is gone, and the socket is dropped.
 */

import type { EventEmitter } from 'node:events';
import { CLOSE_CODES, type ProtocolClientEvents } from '@draftbridge/protocol-router';
import {
  type ClientMessageInput,
  countCodePoints,
  decodeServerMessage,
  type Member,
  type ServerMessage,
  TEXT_MAX_CODE_POINTS,
} from '@draftbridge/shared-types';
import { createRateLimiter } from '../chat/rate-limiter.js';
import {
  DRAIN_TIMEOUT_MS,
  EXIT_DISCONNECTED,
  EXIT_OK,
  PING_INTERVAL_MS,
  SEND_BURST,
  SEND_RATE_PER_SECOND,
} from './constants.js';
import {
  formatChatMessage,
  formatMembers,
  formatNotice,
  formatPresence,
  formatProblem,
  formatServerError,
  formatWelcome,
  toTerminalText,
} from './format.js';

/** What the terminal chat uses of its connection: a ProtocolClient, or a test's stand-in. */
export interface TerminalConnection extends EventEmitter<ProtocolClientEvents> {
  send(text: string): boolean;
  close(): void;
  terminate(): void;
}

/** What a terminal chat needs. */
export interface TerminalChatOptions {
  readonly connection: TerminalConnection;
  readonly room: string;
  readonly nick: string;
  /** Stable for the whole process: the server dedupes `say`s by `(client, id)`. */
  readonly clientId: string;
  /** Writes one line (or several, joined by newlines) for the user. */
  readonly print: (line: string) => void;
  readonly pingIntervalMs?: number;
  readonly drainTimeoutMs?: number;
}

/** A running terminal chat. */
export interface TerminalChat {
  /** Handles one line typed by the user: a command, or a chat line to send. */
  submit(line: string): void;
  /** Leaves: with `drain`, after every typed line is acknowledged (bounded); else at once. */
  quit(options: { readonly drain: boolean }): void;
  /** Resolves with the process exit status once the connection is closed. */
  readonly done: Promise<number>;
}

/** The commands a user can type. */
export const CHAT_COMMANDS_HELP =
  'commands: /who lists the members, /quit leaves, // at the start sends a line beginning with /';

type Phase = 'joining' | 'joined' | 'closing' | 'closed';

interface OutgoingLine {
  readonly id: string;
  readonly text: string;
}

// Errors before the `welcome` that mean the join itself was refused.
const JOIN_REFUSALS: ReadonlySet<string> = new Set([
  'invalid_room',
  'invalid_nick',
  'bad_message',
  'already_joined',
]);

/** Starts a terminal chat: sends `join` at once and begins pinging. */
export function createTerminalChat(options: TerminalChatOptions): TerminalChat {
  const { connection, print, clientId } = options;
  const pingIntervalMs = options.pingIntervalMs ?? PING_INTERVAL_MS;
  const drainTimeoutMs = options.drainTimeoutMs ?? DRAIN_TIMEOUT_MS;
  const limiter = createRateLimiter({ ratePerSecond: SEND_RATE_PER_SECOND, burst: SEND_BURST });
  const idPrefix = Date.now().toString(36);
  const members = new Map<string, Member>();
  const queue: OutgoingLine[] = [];
  const pending = new Map<string, string>();
  let phase: Phase = 'joining';
  let lineCount = 0;
  // Who ended it: the user (quit), or the client because the server refused the join.
  let endedBy: 'quit' | 'refused' | undefined;
  let linesLost = 0;
  let draining = false;
  let awaitingPong = false;
  let lastError: Error | undefined;
  let pingTimer: NodeJS.Timeout | undefined;
  let pumpTimer: NodeJS.Timeout | undefined;
  let drainTimer: NodeJS.Timeout | undefined;
  let resolveDone: (exitCode: number) => void = () => {};
  const done = new Promise<number>((resolve) => {
    resolveDone = resolve;
  });

  function send(message: ClientMessageInput): boolean {
    return connection.send(JSON.stringify(message));
  }

  function pump(): void {
    pumpTimer = undefined;
    if (phase !== 'joined') return;
    for (let line = queue[0]; line !== undefined; line = queue[0]) {
      if (!limiter.take()) {
        pumpTimer = setTimeout(pump, Math.ceil(1000 / SEND_RATE_PER_SECOND));
        return;
      }
      if (!send({ type: 'say', id: line.id, text: line.text })) return;
      queue.shift();
      pending.set(line.id, line.text);
    }
    closeIfDrained();
  }

  function closeIfDrained(): void {
    if (draining && phase === 'joined' && queue.length === 0 && pending.size === 0) closeNow();
  }

  function closeNow(reason: 'quit' | 'refused' = 'quit'): void {
    if (phase === 'closing' || phase === 'closed') return;
    phase = 'closing';
    endedBy = reason;
    stopTimers();
    linesLost = queue.length + pending.size;
    if (linesLost > 0) {
      print(formatProblem(`${linesLost} line(s) not acknowledged by the server before leaving`));
    }
    connection.close();
  }

  function stopTimers(): void {
    clearInterval(pingTimer);
    clearTimeout(pumpTimer);
    clearTimeout(drainTimer);
  }

  function onWelcome(welcome: Extract<ServerMessage, { type: 'welcome' }>): void {
    for (const member of welcome.members) members.set(member.id, member);
    for (const line of formatWelcome(welcome)) print(line);
    if (phase === 'joining') phase = 'joined';
    pump();
  }

  function onServerMessage(message: ServerMessage): void {
    switch (message.type) {
      case 'welcome':
        onWelcome(message);
        return;
      case 'message':
        print(formatChatMessage(message));
        if (message.client === clientId && pending.delete(message.id)) closeIfDrained();
        return;
      case 'presence':
        if (message.event === 'join') members.set(message.member.id, message.member);
        else members.delete(message.member.id);
        print(formatPresence(message));
        return;
      case 'error':
        print(formatServerError(message));
        if (phase === 'joining' && JOIN_REFUSALS.has(message.code)) {
          print(formatProblem('the server refused to join; leaving'));
          closeNow('refused');
        }
        return;
      case 'pong':
        awaitingPong = false;
        return;
      case 'wire':
        return; // only the relay sends these, and only when asked
    }
  }

  function onFrame(frame: string): void {
    const decoded = decodeServerMessage(frame);
    if (!decoded.ok) {
      print(
        formatProblem(
          `skipped a frame the contract does not allow: ${toTerminalText(decoded.detail)}`,
        ),
      );
      return;
    }
    onServerMessage(decoded.message);
  }

  // 1006: no close completed (RFC 6455 §7.1.5; the kit reports the drafts the same way). Only a
  // code that says more than "normal" or "lost" is shown; the drafts never have one.
  function onClose(code: number, closeReason: string): void {
    phase = 'closed';
    stopTimers();
    const clean = code !== CLOSE_CODES.abnormal;
    if (endedBy !== undefined) {
      if (!clean) print(formatProblem('the closing handshake did not complete'));
      print(formatNotice('left'));
      const ok = endedBy === 'quit' && clean && linesLost === 0;
      resolveDone(ok ? EXIT_OK : EXIT_DISCONNECTED);
      return;
    }
    const unsent = queue.length + pending.size;
    const what = clean ? 'the server closed the connection' : 'the connection was lost';
    const shownCode = code === CLOSE_CODES.normal || !clean ? undefined : code;
    const reason = closeReason || lastError?.message;
    const details = [shownCode, reason && toTerminalText(reason)].filter(Boolean);
    const suffix = details.length > 0 ? ` (${details.join(' ')})` : '';
    print(formatProblem(`disconnected: ${what}${suffix}`));
    if (unsent > 0) print(formatProblem(`${unsent} line(s) not acknowledged`));
    resolveDone(EXIT_DISCONNECTED);
  }

  function onPingDue(): void {
    if (awaitingPong) {
      print(
        formatProblem(`no answer to ping in ${pingIntervalMs / 1000} s; dropping the connection`),
      );
      connection.terminate();
      return;
    }
    limiter.take(); // counts against our own pacing, but a keep-alive is never held back
    awaitingPong = send({ type: 'ping', t: Date.now() });
  }

  function runCommand(command: string): void {
    switch (command) {
      case '/quit':
      case '/exit':
        session.quit({ drain: true });
        return;
      case '/who':
        print(formatMembers([...members.values()]));
        return;
      case '/help':
        print(formatNotice(CHAT_COMMANDS_HELP));
        return;
      default:
        print(formatProblem(`unknown command ${toTerminalText(command)}; ${CHAT_COMMANDS_HELP}`));
    }
  }

  const session: TerminalChat = {
    submit(line) {
      if (phase === 'closing' || phase === 'closed' || draining) return;
      if (line.startsWith('/') && !line.startsWith('//')) {
        runCommand(line.trim().split(/\s+/)[0] ?? line);
        return;
      }
      const text = line.startsWith('//') ? line.slice(1) : line;
      if (text.trim().length === 0) return;
      const length = countCodePoints(text.trim());
      if (length > TEXT_MAX_CODE_POINTS) {
        print(
          formatProblem(`not sent: ${length} characters, the limit is ${TEXT_MAX_CODE_POINTS}`),
        );
        return;
      }
      lineCount += 1;
      queue.push({ id: `${idPrefix}-${lineCount}`, text });
      pump();
    },
    quit({ drain }) {
      if (phase === 'closing' || phase === 'closed') return;
      if (!drain) {
        closeNow();
        return;
      }
      draining = true;
      drainTimer = setTimeout(() => closeNow(), drainTimeoutMs);
      if (phase === 'joining' && queue.length === 0) closeNow();
      else closeIfDrained();
    },
    done,
  };

  connection.on('message', onFrame);
  connection.on('close', onClose);
  // Its message is the reason shown when the connection then ends without one.
  connection.on('error', (error) => {
    lastError = error;
  });
  pingTimer = setInterval(onPingDue, pingIntervalMs);
  send({ type: 'join', room: options.room, nick: options.nick, client: clientId });
  limiter.take();
  return session;
}
