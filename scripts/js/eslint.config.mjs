// ESLint for the explorer's scripts (graphkit/render/assets/*.js): plain ES2020 in the browser, each
// file an IIFE that talks to the others only through window.graphkit. Run by scripts/check-code.
import js from "@eslint/js";
import globals from "globals";

export default [
  js.configs.recommended,
  {
    files: ["**/*.js"],
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: "script",
      globals: { ...globals.browser, vis: "readonly" },
    },
    rules: {
      "no-var": "error",
      "prefer-const": "error",
      eqeqeq: ["error", "always", { null: "ignore" }],
      "no-implicit-globals": "error",
      "no-unused-vars": ["error", { args: "none" }],
      // Data reaches the DOM through textContent and attributes, never as markup (see core.js).
      "no-restricted-properties": ["error",
        { property: "innerHTML", message: "build nodes with el()/textContent; data never becomes markup" },
        { property: "outerHTML", message: "build nodes with el()/textContent" }],
      "no-restricted-syntax": ["error",
        { selector: "CallExpression[callee.property.name='insertAdjacentHTML']", message: "no markup from strings" },
        { selector: "CallExpression[callee.property.name='write'][callee.object.name='document']",
          message: "no document.write" }],
    },
  },
  {
    files: ["**/*.test.mjs"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.node } },
  },
];
