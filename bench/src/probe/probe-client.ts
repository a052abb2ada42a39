/**
 * The bench's side of the probe (server-probe.ts): requests over a child's IPC channel, each
 * answered or failed within PROBE_REQUEST_TIMEOUT_MS, and all failed at once if the child exits.
 */
import type { ChildProcess } from 'node:child_process';
import { PROBE_REQUEST_TIMEOUT_MS } from '../constants.js';
import {
  isProbeResponse,
  type ProbeRequest,
  type ProbeResponse,
  type ProbeSample,
} from './probe-protocol.js';

/** A request without its id (the channel numbers them). */
export type ProbeCommand = ProbeRequest extends infer R
  ? R extends ProbeRequest
    ? Omit<R, 'id'>
    : never
  : never;

interface Pending {
  readonly resolve: (response: ProbeResponse) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** Requests to one server process's probe. */
export class ProbeChannel {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;

  constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (message: unknown) => {
      if (!isProbeResponse(message)) return;
      const pending = this.#pending.get(message.id);
      if (pending === undefined) return;
      this.#pending.delete(message.id);
      clearTimeout(pending.timer);
      pending.resolve(message);
    });
    child.once('exit', () => {
      for (const pending of this.#pending.values()) {
        clearTimeout(pending.timer);
        pending.reject(new Error('the server exited before its probe answered'));
      }
      this.#pending.clear();
    });
  }

  /** Sends one command; resolves with the answer, rejects on a failure or a timeout. */
  request(command: ProbeCommand): Promise<ProbeResponse> {
    const id = this.#nextId;
    this.#nextId += 1;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`the server's probe did not answer ${command.command} in time`));
      }, PROBE_REQUEST_TIMEOUT_MS);
      this.#pending.set(id, {
        resolve: (response) =>
          response.ok
            ? resolve(response)
            : reject(new Error(`probe ${command.command}: ${response.error}`)),
        reject,
        timer,
      });
      this.#child.send({ ...command, id } as ProbeRequest, (error) => {
        if (error === null || error === undefined) return;
        clearTimeout(timer);
        this.#pending.delete(id);
        reject(error);
      });
    });
  }

  /** The process's heap and GC counts now; with `collect`, after a full GC. */
  async sample(collect = false): Promise<ProbeSample> {
    const response = await this.request({ command: collect ? 'collect' : 'sample' });
    if (!response.ok || response.sample === undefined) throw new Error('probe sent no sample');
    return response.sample;
  }
}
