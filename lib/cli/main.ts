#!/usr/bin/env node
// The `oac` command (package.json `bin`); everything it does is in program.ts.
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv.slice(2));
