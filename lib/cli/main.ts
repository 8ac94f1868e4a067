#!/usr/bin/env node
import { Command } from 'commander';
import { packageVersion } from './package-version.js';

const program = new Command('oac').version(packageVersion());
await program.parseAsync(process.argv);
