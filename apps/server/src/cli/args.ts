/**
 * The command line of the terminal chat client, parsed with `node:util` `parseArgs` and checked
 * against the wire contract before any socket opens: a bad value stops the client with a message
 * naming the option and what it accepts.
 */
import { parseArgs } from 'node:util';
import { nickSchema, ROOM_PATTERN } from '@draftbridge/shared-types';
import {
  CHAT_ENDPOINT_PATH,
  CHAT_PROTOCOLS,
  type ChatProtocol,
  DEFAULT_SERVER_URL,
} from './constants.js';

/** What the client needs to start chatting. */
export interface ChatOptions {
  /** One of CHAT_PROTOCOLS. */
  readonly protocol: ChatProtocol;
  /** Checked against the contract's room pattern before any socket opens. */
  readonly room: string;
  /** The nick to join with, trimmed. */
  readonly nick: string;
  /** The full WebSocket URL of the chat endpoint, path included. */
  readonly url: string;
}

/** The parsed command line: either help was asked for, or everything needed to chat. */
export type ChatArgs =
  | { readonly help: true }
  | { readonly help: false; readonly options: ChatOptions };

/** A command-line value was refused; the message names the option and what it accepts. */
export class ChatArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChatArgsError';
  }
}

/** The usage text printed by `--help` and after a bad argument. */
export const CHAT_USAGE = `Usage: npm run chat -- --protocol <protocol> --room <room> --nick <nick> [--url <url>]

A terminal chat client for draftbridge that speaks one WebSocket protocol directly.

Options:
  -p, --protocol <protocol>  ${CHAT_PROTOCOLS.join(' | ')}
  -r, --room <room>          room to join: a-z, 0-9, '_' and '-', starting with a letter or digit, up to 32
  -n, --nick <nick>          your name: 1 to 24 characters, no control characters
  -u, --url <url>            server, default ${DEFAULT_SERVER_URL} (the path defaults to ${CHAT_ENDPOINT_PATH})
  -h, --help                 show this help

Type a line to send it. Commands: /who lists the members, /quit leaves (so does Ctrl-D or Ctrl-C),
/help shows the commands; start a line with // to send one that begins with /.`;

/** The line printed under an argument error. */
export const CHAT_HELP_HINT = "Run 'npm run chat -- --help' for usage.";

const OPTIONS = {
  protocol: { type: 'string', short: 'p' },
  room: { type: 'string', short: 'r' },
  nick: { type: 'string', short: 'n' },
  url: { type: 'string', short: 'u' },
  help: { type: 'boolean', short: 'h' },
} as const;

function isChatProtocol(value: string): value is ChatProtocol {
  return (CHAT_PROTOCOLS as readonly string[]).includes(value);
}

function parseProtocol(value: string | undefined): ChatProtocol {
  if (value === undefined) {
    throw new ChatArgsError(`--protocol is required: one of ${CHAT_PROTOCOLS.join(', ')}`);
  }
  if (!isChatProtocol(value)) {
    throw new ChatArgsError(
      `--protocol must be one of ${CHAT_PROTOCOLS.join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function parseRoom(value: string | undefined): string {
  if (value === undefined) throw new ChatArgsError('--room is required, e.g. --room lobby');
  if (!ROOM_PATTERN.test(value)) {
    throw new ChatArgsError(
      `--room must be 1 to 32 of a-z, 0-9, '_' and '-', starting with a letter or digit, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function parseNick(value: string | undefined): string {
  if (value === undefined) throw new ChatArgsError('--nick is required, e.g. --nick ann');
  const result = nickSchema.safeParse(value);
  if (!result.success) {
    throw new ChatArgsError(
      `--nick must be 1 to 24 characters after trimming, with no control characters, got ${JSON.stringify(value)}`,
    );
  }
  return result.data;
}

// Schemes a user may paste: the server prints its address as http://, which means ws:// here.
const SCHEME_ALIASES: Readonly<Record<string, string>> = {
  'ws:': 'ws:',
  'wss:': 'wss:',
  'http:': 'ws:',
  'https:': 'wss:',
};

/** Turns `--url` into the chat endpoint's URL: `/ws` when no path is given; `wss://` on every protocol. */
export function parseChatUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ChatArgsError(
      `--url must be a URL like ${DEFAULT_SERVER_URL}, got ${JSON.stringify(value)}`,
    );
  }
  const scheme = SCHEME_ALIASES[url.protocol];
  if (scheme === undefined || url.hostname === '') {
    throw new ChatArgsError(
      `--url must be a ws:// URL like ${DEFAULT_SERVER_URL}, got ${JSON.stringify(value)}`,
    );
  }
  url.protocol = scheme;
  url.hash = '';
  if (url.pathname === '' || url.pathname === '/') url.pathname = CHAT_ENDPOINT_PATH;
  return url.toString();
}

function readValues(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false })
      .values;
  } catch (error) {
    // parseArgs throws TypeErrors with a clear message (unknown option, missing value).
    throw new ChatArgsError(error instanceof Error ? error.message : String(error));
  }
}

/** Parses the arguments after the script name; throws ChatArgsError on any bad or missing value. */
export function parseChatArgs(argv: readonly string[]): ChatArgs {
  const values = readValues(argv);
  if (values.help === true) return { help: true };
  const protocol = parseProtocol(values.protocol);
  return {
    help: false,
    options: {
      protocol,
      room: parseRoom(values.room),
      nick: parseNick(values.nick),
      url: parseChatUrl(values.url ?? DEFAULT_SERVER_URL),
    },
  };
}
