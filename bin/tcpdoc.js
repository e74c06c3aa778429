#!/usr/bin/env node
// The installed command: runs the bundle that `npm install` builds (scripts/build.mjs).
import "../dist/tcpdoc.js";
