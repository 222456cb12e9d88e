// ESLint for the faces: browser ES modules under frontend/static/js, served as they are (no
// build step), so what is linted is what runs. `npx eslint frontend/static/js` (scripts/test).

import js from "@eslint/js";
import globals from "globals";

export default [
  {
    // vendored, minified third-party pages (Swagger UI, ReDoc): not ours to lint
    ignores: ["frontend/static/docs/**"],
  },
  {
    files: ["frontend/static/js/**/*.js"],
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: "module",
      globals: globals.browser,
    },
    linterOptions: {
      reportUnusedDisableDirectives: "error",
    },
    rules: {
      ...js.configs.recommended.rules,
    },
  },
];
