// The tables that commands create on first use (jobs, outbox, mutes, alert actions, Telegram pairings), made when a
// workspace is made: a read-only command (`jobs list`, `outbox`, `mute list`, `pair list`) then finds them and leaves
// workspace.duckdb as it was, instead of rewriting the file to create empty tables.
import { PairingStore } from '../channels/telegram/pairings';
import { ensureAlertTables } from '../jobs/alert-actions';
import { ensureJobTables } from '../jobs/tables';
import type { Workspace } from '../objects/workspace';

/** Creates every first-use table of a new workspace (each ensure* function is a no-op once its tables exist). */
export async function createFirstUseTables(workspace: Workspace): Promise<void> {
  await ensureJobTables(workspace.db);
  await ensureAlertTables(workspace.db);
  await new PairingStore(workspace.db, workspace.clock).ensureTable();
}
