#!/usr/bin/env node
// Committed launcher, so npm can link the `tessera` bin before `tsc -b` (run by `prepare`) has built dist/.
await import('../dist/main.js');
