/**
 * Runs one conformance case on one way into the server, over a raw socket, and judges what came
 * back. A case that expects no close ends with a probe (a text `ping`): its `pong`, answered in
 * order after everything before it, shows that the connection is open and that nothing else is
 * still on its way. A case that expects a close waits for the Close and the end of TCP.
 */
import { HYBI_OPCODES, type Protocol } from '@draftbridge/protocol-router';
import { openRawSession, type ServerFrame } from '@draftbridge/protocol-router/testing';
import type { ConformanceCase, Expectation } from './cases.js';

/** One way into the server: a protocol, and the path that picks its engine. */
export interface ConformancePath {
  readonly name: string;
  readonly protocol: Protocol;
  readonly target: string;
}

/** What one case did on one path. */
export interface CaseOutcome {
  readonly pass: boolean;
  /** What the server sent and how the connection ended, in short. */
  readonly seen: string;
}

const PROBE = 'conformance-probe';
const SETTLE_MS = 3000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Seen {
  readonly frames: readonly ServerFrame[];
  readonly messages: readonly { type: string; [key: string]: unknown }[];
  readonly ending: 'end' | 'reset' | 'open';
}

function isProbePong(frame: ServerFrame): boolean {
  return frame.kind === 'text' && frame.text === JSON.stringify({ type: 'pong', t: PROBE });
}

function short(payload: Buffer): string {
  const text = payload.toString('utf8');
  return payload.length <= 16 && /^[\x20-\x7e]*$/.test(text) ? `"${text}"` : `${payload.length} B`;
}

function describeFrame(frame: ServerFrame): string {
  if (frame.kind === 'close') return `close ${frame.code ?? '(no code)'}`;
  if (frame.kind === 'binary') return `binary ${frame.payload.length} B`;
  if (frame.kind === 'control') {
    const name = frame.opcode === HYBI_OPCODES.pong ? 'pong-frame' : `opcode ${frame.opcode}`;
    return `${name} ${short(frame.payload)}`;
  }
  try {
    const message = JSON.parse(frame.text) as { type?: string; code?: string; t?: unknown };
    if (message.type === 'pong') return `pong(${String(message.t)})`;
    if (message.type === 'error') return `error:${message.code}`;
    return `text ${message.type ?? '?'}`;
  } catch {
    return `text ${frame.text.length} chars`;
  }
}

// What kind of frame a description is, for counting runs: `pong(1)`, `pong(2)` are one kind.
const kindOf = (described: string) => described.replace(/\(.*\)$|\s.*$/, '');

/** The frames in short; a run of more than two of one kind is shown by its ends and count. */
function describeSeen(seen: Seen): string {
  const parts: string[] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length > 2) {
      const first = run[0] as string;
      const last = run.at(-1) as string;
      parts.push(
        first === last ? `${first} x${run.length}` : `${first} .. ${last} (${run.length})`,
      );
    } else {
      parts.push(...run);
    }
    run = [];
  };
  for (const frame of seen.frames) {
    if (isProbePong(frame)) continue;
    const described = describeFrame(frame);
    if (run.length > 0 && kindOf(run[0] as string) !== kindOf(described)) flush();
    run.push(described);
  }
  flush();
  const ending = seen.ending === 'end' ? 'FIN' : seen.ending === 'reset' ? 'RESET' : 'open';
  return `${parts.length === 0 ? 'nothing' : parts.join(', ')}; ${ending}`;
}

function holds(expectation: Expectation, seen: Seen): boolean {
  const { frames, messages } = seen;
  switch (expectation.kind) {
    case 'answer':
      return messages.some(
        (m) =>
          m.type === expectation.type &&
          (expectation.code === undefined || m.code === expectation.code) &&
          (expectation.t === undefined || m.t === expectation.t),
      );
    case 'pong-frame': {
      const pongs = frames.filter(
        (f): f is Extract<ServerFrame, { kind: 'control' }> =>
          f.kind === 'control' && f.opcode === HYBI_OPCODES.pong,
      );
      const matches = (f: { payload: Buffer }) => f.payload.equals(expectation.payload);
      return expectation.last === true
        ? pongs.length > 0 && matches(pongs.at(-1) as { payload: Buffer })
        : pongs.some(matches);
    }
    case 'close': {
      const closes = frames.filter((f) => f.kind === 'close');
      return (
        closes.length === 1 &&
        frames.at(-1)?.kind === 'close' &&
        expectation.codes.includes((closes[0] as { code: number | undefined }).code) &&
        seen.ending === 'end'
      );
    }
    case 'pongs-in-order': {
      const ts = messages.filter((m) => m.type === 'pong' && m.t !== PROBE).map((m) => m.t);
      return JSON.stringify(ts) === JSON.stringify(expectation.ts);
    }
    case 'silent':
      return frames.every(isProbePong);
  }
}

/** Runs `testCase` on `path` of the server at 127.0.0.1:`port`. */
export async function runCase(
  port: number,
  path: ConformancePath,
  testCase: ConformanceCase,
): Promise<CaseOutcome> {
  const session = await openRawSession(port, path.protocol, path.target);
  const { peer } = session;
  const expectsClose = testCase.expect.some((e) => e.kind === 'close');
  const read = (): Seen => ({
    frames: session.frames(),
    messages: session.messages(),
    ending: peer.ending(),
  });
  try {
    // Whether the server closed before the case had written everything (fail fast, §8.1).
    let closedEarly = false;
    for (const step of testCase.steps) {
      if (!Buffer.isBuffer(step)) {
        await sleep(step.waitMs);
      } else if (peer.ending() === 'open' && !peer.socket.writableEnded) {
        peer.socket.write(step);
      } else {
        closedEarly = true;
      }
    }
    if (expectsClose) {
      // The end of TCP comes after the Close, so it is what is waited for.
      await peer.waitFor(() => peer.ending() !== 'open', SETTLE_MS).catch(() => {});
    } else {
      session.sendText(JSON.stringify({ type: 'ping', t: PROBE }));
      await session.waitForFrame(isProbePong, SETTLE_MS).catch(() => {});
    }
    let seen: Seen;
    try {
      seen = read();
    } catch (error) {
      return { pass: false, seen: `unreadable: ${(error as Error).message}` };
    }
    const closed = seen.frames.some((f) => f.kind === 'close') || seen.ending !== 'open';
    const pass =
      testCase.expect.every((e) => holds(e, seen)) &&
      (expectsClose || (!closed && seen.frames.some(isProbePong)));
    return { pass, seen: `${describeSeen(seen)}${closedEarly ? ' (before the last write)' : ''}` };
  } finally {
    peer.socket.destroy();
  }
}
