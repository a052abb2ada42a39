/**
 * What a chat connection needs from the outside world (sockets, network state, the page's
 * address), as a React context, so component tests can hand in fakes.
 */
import { createContext, useContext, useMemo } from 'react';
import { createBrowserNetworkMonitor, type NetworkMonitor } from '../lib/network.js';
import { createBrowserSocket, type SocketFactory } from '../lib/socket.js';

/** The outside world of a connection. */
export interface ConnectionEnvironment {
  readonly createSocket: SocketFactory;
  readonly network: NetworkMonitor;
  /** The page's own address: the endpoints live on the server that served the page. */
  readonly page: { readonly protocol: string; readonly host: string };
}

/** The real browser. Read lazily, so importing this module touches no browser API. */
export function createBrowserEnvironment(): ConnectionEnvironment {
  return {
    createSocket: createBrowserSocket,
    network: createBrowserNetworkMonitor(),
    page: { protocol: window.location.protocol, host: window.location.host },
  };
}

/** The environment context; null means "use the browser". */
export const ConnectionEnvironmentContext = createContext<ConnectionEnvironment | null>(null);

/** The environment in force. */
export function useConnectionEnvironment(): ConnectionEnvironment {
  const provided = useContext(ConnectionEnvironmentContext);
  return useMemo(() => provided ?? createBrowserEnvironment(), [provided]);
}
