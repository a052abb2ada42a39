import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The dev server proxies the chat endpoints to the chat server (npm run dev starts both).
const target = process.env.DRAFTBRIDGE_SERVER ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/ws': { target, ws: true },
      '/relay': { target, ws: true },
      '/healthz': { target },
    },
  },
  test: {
    environment: 'happy-dom',
  },
});
