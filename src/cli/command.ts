import type { FlagSpec, ParsedArgs } from './args';

/** Where a command writes: stdout for results, stderr for progress and messages. */
export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  /** Progress line on a TTY (rewritten in place), dropped otherwise. */
  progress(line: string): void;
}

export interface Command {
  name: string;
  synopsis: string;
  summary: string;
  flags: Record<string, FlagSpec>;
  /** Returns the exit code: 0 done, 1 unreadable input, 2 usage error. */
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}
