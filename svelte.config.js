import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
  kit: {
    adapter: adapter({ out: 'build', precompress: false }),
    // OpenAI clients (the openai package, curl) post multipart uploads to /v1/files without an
    // Origin header, which SvelteKit's built-in check refuses before any hook runs. The same check,
    // minus that case, is done in src/hooks.server.ts (crossSiteRefusal).
    csrf: { trustedOrigins: ['*'] },
    typescript: {
      config: (tsconfig) => {
        // The engine, the CLI and the language live outside src/routes; type-check them too.
        tsconfig.include.push('../dsl/**/*.ts', '../bench/**/*.ts', '../scripts/**/*.ts');
        return tsconfig;
      }
    }
  }
};

export default config;
