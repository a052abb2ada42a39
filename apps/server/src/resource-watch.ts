/**
 * Whether the process has run out of file descriptors, or nearly. When it has, new sockets fail
 * (the relay's legs, static files) while a few requests may still get through: those must not
 * be told all is well. An accept that fails is not even seen: libuv closes a descriptor it
 * keeps for the purpose, accepts and drops the connection, and tells nobody. So `exhausted`
 * counts the descriptors against the limit (within `HEADROOM` of it counts), and also says yes
 * for a while after any EMFILE or ENFILE that was `note`d.
 *
 * The open-fds metric has the same blind spot: counting /proc/self/fd needs a descriptor
 * itself, so it fails exactly when the count matters. `openFileDescriptors` then answers with
 * the limit, read at start, since the count is at it.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** How long after the last EMFILE or ENFILE the process still counts as exhausted. */
export const EXHAUSTED_FOR_MS = 10_000;

/** Descriptors short of the limit that already count as exhausted: what one relay pair takes, and some. */
export const HEADROOM = 8;

const EXHAUSTION = new Set(['EMFILE', 'ENFILE']);

/** Tells whether an error is the process (EMFILE) or the system (ENFILE) out of descriptors. */
export function isDescriptorExhaustion(error: unknown): boolean {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  return typeof code === 'string' && EXHAUSTION.has(code);
}

// The soft limit, from /proc/self/limits ("Max open files  <soft>  <hard>  files").
function readLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((row) => row.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    const limit = Number(soft);
    return Number.isFinite(limit) ? limit : undefined;
  } catch {
    return undefined;
  }
}

/** The process's view of its descriptors. */
export interface ResourceWatch {
  /** Looks at an error; an EMFILE or ENFILE marks the process exhausted for a while. */
  note(error: unknown): void;
  /** True near the limit, or within `EXHAUSTED_FOR_MS` of the last exhaustion seen. */
  exhausted(): boolean;
  /** Descriptors open now, or the limit when they cannot be counted for want of one. */
  openFileDescriptors(): number | undefined;
}

/** Creates a watch; `now` is a monotonic clock in ms. */
export function createResourceWatch(now: () => number = () => performance.now()): ResourceWatch {
  const limit = readLimit();
  let lastExhausted = Number.NEGATIVE_INFINITY;
  const watch: ResourceWatch = {
    note(error) {
      if (isDescriptorExhaustion(error)) lastExhausted = now();
    },
    exhausted() {
      if (now() - lastExhausted < EXHAUSTED_FOR_MS) return true;
      const open = watch.openFileDescriptors();
      const near = limit !== undefined && open !== undefined && open >= limit - HEADROOM;
      // Seen near the limit once, the process stays degraded for the window: a descriptor
      // freed a moment later does not make the load gone.
      if (near) lastExhausted = now();
      return near;
    },
    openFileDescriptors() {
      try {
        // One less: the directory read holds a descriptor of its own while it runs.
        return readdirSync('/proc/self/fd').length - 1;
      } catch (error) {
        watch.note(error);
        return isDescriptorExhaustion(error) ? limit : undefined;
      }
    },
  };
  return watch;
}
