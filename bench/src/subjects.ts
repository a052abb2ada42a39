/**
 * The servers under test. Three naive broadcast peers, each on one bare library, and
 * draftbridge itself. Naive `ws` is the baseline every figure is divided by.
 *
 * draftbridge is probed before the run: it must be built, start, and answer a join on `/ws`
 * with a `welcome`, per protocol. A protocol that does not is left out of its runs, and a
 * subject with none left is skipped with the reason, so the bench stays usable while the
 * server is being finished.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ChatDialect, DRAFTBRIDGE_DIALECT, RAW_DIALECT } from './chat-dialect.js';
import { openConnection } from './client/bench-connection.js';
import { DRAFTBRIDGE_BENCH_ENV, WIRE_PROTOCOLS, type WireProtocol } from './constants.js';
import { BENCH_HOST, type LaunchSpec, launchServer } from './server-process.js';

/** Every subject's name; `ws` comes first because it is the baseline. */
export const SUBJECT_NAMES = ['ws', 'websocket-node', 'faye-websocket', 'draftbridge'] as const;

/** One subject's name. */
export type SubjectName = (typeof SUBJECT_NAMES)[number];

/** The subject every ratio is computed against. */
export const BASELINE_SUBJECT: SubjectName = 'ws';

/** A server under test. */
export interface Subject {
  readonly name: SubjectName;
  /** What it is, for the table and the README. */
  readonly description: string;
  /** The protocols its receivers use; scenarios mix them half and half. */
  readonly protocols: readonly WireProtocol[];
  readonly dialect: ChatDialect;
  readonly launch: LaunchSpec;
}

// This file is src/subjects.ts or, compiled, dist/subjects.js: one level below the workspace.
const benchRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(benchRoot, '..');

/** Where the built draftbridge server's entry point is. */
export const DRAFTBRIDGE_ENTRY = path.join(repoRoot, 'apps/server/dist/index.js');

// Compiled (npm run bench), the peers run as plain JavaScript, like draftbridge: no loader in
// the measured process. From source (tsx, the tests), they run through tsx as well.
const fromSource = import.meta.url.endsWith('.ts');

function peerLaunch(name: string): LaunchSpec {
  const file = path.join(
    path.dirname(fileURLToPath(import.meta.url)),
    'peers',
    `${name}.${fromSource ? 'ts' : 'js'}`,
  );
  return {
    command: process.execPath,
    args: fromSource ? ['--import', import.meta.resolve('tsx'), file] : [file],
    cwd: benchRoot,
    env: {},
  };
}

/** The naive peers, as they always run. */
export const NAIVE_SUBJECTS: readonly Subject[] = [
  {
    name: 'ws',
    description: 'naive broadcast on ws 8 (RFC 6455)',
    protocols: ['rfc6455'],
    dialect: RAW_DIALECT,
    launch: peerLaunch('ws-peer'),
  },
  {
    name: 'websocket-node',
    description: 'naive broadcast on bare WebSocket-Node 1.0.35 (RFC 6455)',
    protocols: ['rfc6455'],
    dialect: RAW_DIALECT,
    launch: peerLaunch('websocket-node-peer'),
  },
  {
    name: 'faye-websocket',
    description:
      'naive broadcast on bare faye-websocket 0.11.4 + websocket-driver 0.7.4 (RFC 6455 and hixie-76)',
    protocols: ['rfc6455', 'hixie76'],
    dialect: RAW_DIALECT,
    launch: peerLaunch('faye-peer'),
  },
];

const DRAFTBRIDGE_LAUNCH: LaunchSpec = {
  command: process.execPath,
  args: [DRAFTBRIDGE_ENTRY],
  cwd: repoRoot,
  env: DRAFTBRIDGE_BENCH_ENV,
};

/** draftbridge with the protocols it answers chat on, or the reason it cannot be benched. */
export type ProbeResult =
  | { readonly ok: true; readonly subject: Subject; readonly notes: readonly string[] }
  | { readonly ok: false; readonly reason: string };

/** Starts draftbridge once and checks that each protocol can join the bench room. */
export async function probeDraftbridge(): Promise<ProbeResult> {
  if (!existsSync(DRAFTBRIDGE_ENTRY)) {
    return {
      ok: false,
      reason: `${path.relative(repoRoot, DRAFTBRIDGE_ENTRY)} is missing: run npm run build`,
    };
  }
  let server: Awaited<ReturnType<typeof launchServer>>;
  try {
    server = await launchServer(DRAFTBRIDGE_LAUNCH);
  } catch (error) {
    return { ok: false, reason: `it did not start: ${(error as Error).message}` };
  }
  const protocols: WireProtocol[] = [];
  const notes: string[] = [];
  try {
    for (const protocol of WIRE_PROTOCOLS) {
      const target = { host: BENCH_HOST, port: server.port, path: DRAFTBRIDGE_DIALECT.path };
      try {
        const connection = await openConnection(protocol, target);
        try {
          await DRAFTBRIDGE_DIALECT.join(connection, `probe-${protocol}`);
          protocols.push(protocol);
        } finally {
          connection.destroy();
        }
      } catch (error) {
        notes.push(
          `draftbridge: ${protocol} left out, /ws does not answer chat: ${(error as Error).message}`,
        );
      }
    }
  } finally {
    await server.stop();
  }
  if (protocols.length === 0) {
    return { ok: false, reason: `/ws does not answer chat yet. ${notes.join('; ')}` };
  }
  return {
    ok: true,
    notes,
    subject: {
      name: 'draftbridge',
      description:
        'draftbridge in-memory: router + WebSocket-Node (RFC 6455) / faye-websocket (hixie-76)',
      protocols,
      dialect: DRAFTBRIDGE_DIALECT,
      launch: DRAFTBRIDGE_LAUNCH,
    },
  };
}
