/**
 * Entry point of the terminal chat client (`npm run chat -- --protocol hixie-76 --room lobby
 * --nick ann`): parse the arguments, connect with the chosen protocol, chat until the user
 * leaves or the server goes away, and exit with a status that says which.
 */
import { randomUUID } from 'node:crypto';
import { connectClient, type ProtocolClient } from '@draftbridge/protocol-router';
import { PROTOCOL_LABELS } from '@draftbridge/shared-types';
import { CHAT_HELP_HINT, CHAT_USAGE, type ChatArgs, ChatArgsError, parseChatArgs } from './args.js';
import {
  CLIENT_ID_PREFIX,
  CLOSE_TIMEOUT_MS,
  CONNECT_TIMEOUT_MS,
  EXIT_DISCONNECTED,
  EXIT_OK,
  EXIT_USAGE,
  MAX_RECEIVE_BYTES,
} from './constants.js';
import { formatNotice, formatProblem } from './format.js';
import { createChatTerminal } from './terminal.js';
import { createTerminalChat } from './terminal-chat.js';

function readArgs(): ChatArgs {
  try {
    return parseChatArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof ChatArgsError)) throw error;
    process.stderr.write(`chat: ${error.message}\n${CHAT_HELP_HINT}\n`);
    process.exit(EXIT_USAGE);
  }
}

const args = readArgs();
if (args.help) {
  process.stdout.write(`${CHAT_USAGE}\n`);
  process.exit(EXIT_OK);
}
const { options } = args;
const clientId = `${CLIENT_ID_PREFIX}${randomUUID()}`;
const label = PROTOCOL_LABELS[options.protocol];

process.stdout.write(`${formatNotice(`connecting to ${options.url} with ${label}`)}\n`);
let connection: ProtocolClient;
try {
  connection = await connectClient({
    protocol: options.protocol,
    url: options.url,
    handshakeTimeoutMs: CONNECT_TIMEOUT_MS,
    maxMessageBytes: MAX_RECEIVE_BYTES,
    closeTimeoutMs: CLOSE_TIMEOUT_MS,
  });
} catch (error) {
  const reason = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${formatProblem(`could not connect to ${options.url}: ${reason}`)}\n`);
  process.exit(EXIT_DISCONNECTED);
}

const terminal = createChatTerminal();
const session = createTerminalChat({
  connection,
  room: options.room,
  nick: options.nick,
  clientId,
  print: (text) => terminal.print(text),
});
let interrupted = false;
terminal.onLine((line) => session.submit(line));
terminal.onEnd(() => session.quit({ drain: true }));
terminal.onInterrupt(() => {
  // A second Ctrl-C means the closing handshake is taking too long for the user's taste.
  if (interrupted) process.exit(EXIT_DISCONNECTED);
  interrupted = true;
  session.quit({ drain: false });
});

const exitCode = await session.done;
terminal.close();
process.exitCode = exitCode;
// stdin may still hold the event loop (a TTY, or a pipe nobody closed): leave regardless.
setTimeout(() => process.exit(exitCode), 100).unref();
