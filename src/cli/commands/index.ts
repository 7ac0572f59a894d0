// The CLI's commands, one file each. Add yours to this list.
import type { Command } from '../command';
import { allowCommand } from './allow';
import { analyzeCommand } from './analyze';
import { detectCommand } from './detect';
import { evalCommand } from './eval';
import { feedsCommand } from './feeds';
import { followCommand } from './follow';
import { generateCommand } from './generate';
import { importCommand } from './import';
import { packetsCommand } from './packets';
import { contextCommand } from './context';
import { reportCommand } from './report';
import { serveCommand } from './serve';
import { siteCommand } from './site';
import { storeCommand } from './store';
import { triageCommand } from './triage';

export const COMMANDS: Command[] = [
  importCommand,
  generateCommand,
  evalCommand,
  analyzeCommand,
  detectCommand,
  reportCommand,
  triageCommand,
  allowCommand,
  siteCommand,
  feedsCommand,
  serveCommand,
  packetsCommand,
  contextCommand,
  followCommand,
  storeCommand,
];
