// The CLI's commands, one file each. Add yours to this list.
import type { Command } from '../command';

export const COMMANDS: Command[] = [];
