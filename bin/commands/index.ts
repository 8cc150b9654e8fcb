// Every command of the escalator command line, in the order `escalator help` lists them.
import type { Command } from '../command';
import { boardCommand } from './board';
import { entriesCommand } from './entries';
import { initCommand } from './init';
import { objectsCommand } from './objects';
import { pairCommand } from './pair';
import { queryCommand } from './query';
import { startCommand } from './start';

export const commands: Command[] = [initCommand, startCommand, queryCommand, objectsCommand, entriesCommand, boardCommand, pairCommand];
