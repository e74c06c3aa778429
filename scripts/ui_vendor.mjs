// The entry of dist/ui-vendor.js: ink and the React it renders with, one
// copy of each, for the UI modules in dist/tcpdoc.js (scripts/build.mjs).
export * as ink from "ink";
export { default as react } from "react";
export { default as jsxRuntime } from "react/jsx-runtime";
