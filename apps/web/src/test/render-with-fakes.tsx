/**
 * Renders a component with fake sockets and an always-online network, and plays the server.
 */
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import {
  type ConnectionEnvironment,
  ConnectionEnvironmentContext,
} from '../hooks/connection-environment.js';
import { ALWAYS_ONLINE } from '../lib/network.js';
import { createFakeSocketFactory, type FakeSocketFactory } from './fake-socket.js';

/** The rendered result plus the fake sockets behind it. */
export function renderWithFakes(ui: ReactElement): ReturnType<typeof render> & {
  fake: FakeSocketFactory;
} {
  const fake = createFakeSocketFactory();
  const environment: ConnectionEnvironment = {
    createSocket: fake.create,
    network: ALWAYS_ONLINE,
    page: { protocol: 'http:', host: 'chat.test' },
  };
  const result = render(
    <ConnectionEnvironmentContext.Provider value={environment}>
      {ui}
    </ConnectionEnvironmentContext.Provider>,
  );
  return { ...result, fake };
}
