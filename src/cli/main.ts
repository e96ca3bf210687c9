import { runCli } from './program.js';
import type { CliContext } from './context.js';

export async function main(name: string): Promise<void> {
  const ctx: CliContext = {
    name,
    stdin: process.stdin,
    out: (s) => void process.stdout.write(s),
    err: (s) => void process.stderr.write(s),
    warn(message, stack) {
      process.stderr.write(`${name}: warning: ${message}\n`);
      if (this.verbose && stack) process.stderr.write(stack + '\n');
    },
    verbose: false,
    exitCode: 0,
  };
  // a closed pipe (`lint . | head`) is not an error
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  process.exitCode = await runCli(process.argv.slice(2), ctx);
}

