// Every command of the escalator command line, in the order `escalator help` lists them.
import type { Command } from '../command';
import { boardCommand } from './board';
import { entriesCommand } from './entries';
import { importCommand } from './import';
import { initCommand } from './init';
import { objectsCommand } from './objects';
import { queryCommand } from './query';
import { serveCommand } from './serve';
import { startCommand } from './start';

export const commands: Command[] = [initCommand, startCommand, queryCommand, objectsCommand, entriesCommand, boardCommand, importCommand, serveCommand];
