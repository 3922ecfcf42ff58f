/// <reference types="vitest/config" />
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [sveltekit()],
  server: { host: '127.0.0.1', port: 5173, fs: { allow: ['dsl'] } },
  ssr: {
    // Native and heavy engine packages stay outside the server bundle.
    external: ['@duckdb/node-api', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-backend-wasm']
  },
  test: {
    include: ['tests/**/*.test.ts', 'src/**/*.test.ts', 'dsl/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks'
  }
});
