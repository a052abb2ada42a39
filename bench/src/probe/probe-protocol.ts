/**
 * What the bench asks the probe inside a server process (server-probe.ts) over the child's IPC
 * channel, and what the probe answers. Every request carries an id; its answer carries the same.
 */

/** A request to the probe. */
export type ProbeRequest =
  | { readonly id: number; readonly command: 'sample' }
  /** A full GC (the process runs with --expose-gc), then a sample: what stays is live. */
  | { readonly id: number; readonly command: 'collect' }
  | { readonly id: number; readonly command: 'profile-start'; readonly intervalUs: number }
  /** Stops the CPU profile and writes it (V8's .cpuprofile JSON) to `file`. */
  | { readonly id: number; readonly command: 'profile-stop'; readonly file: string }
  /** Writes a V8 heap snapshot (after a full GC, as V8 takes them) to `file`. */
  | { readonly id: number; readonly command: 'heap-snapshot'; readonly file: string };

/** The process's memory and its garbage collections so far, as the process itself sees them. */
export interface ProbeSample {
  readonly heapUsedKb: number;
  readonly heapTotalKb: number;
  /** Memory outside the JS heap that V8 knows of (Buffers among it). */
  readonly externalKb: number;
  /** Mark-compact (full) collections, not counting forced ones. */
  readonly gcMarkCompact: number;
  /** Scavenges (young generation). */
  readonly gcScavenge: number;
  /** Incremental marking steps. */
  readonly gcIncremental: number;
  /** Time the main thread spent in those collections, in ms. */
  readonly gcMs: number;
}

/** The probe's answer to one request. */
export type ProbeResponse =
  | { readonly id: number; readonly ok: true; readonly sample?: ProbeSample }
  | { readonly id: number; readonly ok: false; readonly error: string };

/** Whether a message from a child is a probe answer. */
export function isProbeResponse(message: unknown): message is ProbeResponse {
  return (
    typeof message === 'object' &&
    message !== null &&
    'id' in message &&
    typeof message.id === 'number' &&
    'ok' in message &&
    typeof message.ok === 'boolean'
  );
}
