/**
 * Whether the browser believes it is online, and when that changes. The chat goes `offline`
 * instead of burning reconnect attempts while the network is down.
 */

/** Reports the network state and its changes. */
export interface NetworkMonitor {
  isOnline(): boolean;
  /** Calls `listener` with the new state on each change; returns an unsubscribe function. */
  subscribe(listener: (online: boolean) => void): () => void;
}

/** A monitor backed by `navigator.onLine` and the window's `online`/`offline` events. */
export function createBrowserNetworkMonitor(): NetworkMonitor {
  return {
    isOnline: () => navigator.onLine,
    subscribe(listener) {
      const onOnline = () => listener(true);
      const onOffline = () => listener(false);
      window.addEventListener('online', onOnline);
      window.addEventListener('offline', onOffline);
      return () => {
        window.removeEventListener('online', onOnline);
        window.removeEventListener('offline', onOffline);
      };
    },
  };
}

/** A monitor that is always online (tests, and pages without `navigator`). */
export const ALWAYS_ONLINE: NetworkMonitor = {
  isOnline: () => true,
  subscribe: () => () => {},
};
