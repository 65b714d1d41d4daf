#!/usr/bin/env node
// Entry point of the `netvet` command: loads the TypeScript CLI through tsx, no build step.
import { register } from 'tsx/esm/api';

// `netvet lab status | head` closes the pipe early; that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
register();
const { main } = await import('../lib/cli/main.ts');
process.exitCode = await main(process.argv);
