import { vitePreprocess } from "@sveltejs/vite-plugin-svelte";

export default {
  preprocess: vitePreprocess(),
  // Styles go to the CSS file, never inline (the CSP has no 'unsafe-inline').
  compilerOptions: { css: "external" },
};
