#!/usr/bin/env node
import { main } from '../dist/cli/main.js';
import { newOutcome } from '../dist/cli/outcome.js';

const outcome = newOutcome();
const code = await main(process.argv, outcome);
if (outcome.exitAtOnce) process.exit(code);
process.exitCode = code;
