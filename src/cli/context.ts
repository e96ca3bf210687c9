// What a command needs from its surroundings; tests hand in their own streams.
import type { Readable } from 'node:stream';

export interface CliContext {
  /** "metallb-doctor" or "kubectl metallb" */
  name: string;
  stdin: Readable;
  out(text: string): void;
  err(text: string): void;
  /** a problem that does not stop the command; the stack only with --verbose */
  warn(message: string, stack?: string): void;
  verbose: boolean;
  exitCode: number;
  /** called as a command finishes a phase ('loaded', 'analysed'): benchmarks time them */
  phase?(name: string): void;
}
