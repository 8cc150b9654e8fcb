// Companies and contacts by name, domain and email, kept in memory: every batch of incoming tickets needs them, and
// they change rarely. Any committed change to a company or a person drops the copy; the next batch reads it again.
import type { Sql } from '../../objects/database';
import { findField, quoteIdentifier, tableName, type ObjectDefinition } from '../../objects/object-schema';
import type { Workspace } from '../../objects/workspace';

export interface Accounts {
  /** Name and domain lower case; oldest first, so the first match wins. */
  companies: { id: string; name: string | null; domain: string | null; tier: string | null }[];
  /** Email lower case; oldest first. */
  people: { id: string; email: string }[];
}

export class AccountDirectory {
  private cached: Accounts | undefined;
  /** Counts changes, so a copy read while one was announced is not kept. */
  private generation = 0;
  private readonly unsubscribe: () => void;

  constructor(private readonly workspace: Workspace) {
    this.unsubscribe = workspace.onEntriesChanged((changes) => {
      if (!changes.some((change) => change.object === 'company' || change.object === 'people')) return;
      this.cached = undefined;
      this.generation++;
    });
  }

  /** The accounts, read through `sql` (the caller's transaction) when not cached. */
  async accounts(sql: Sql): Promise<Accounts> {
    if (this.cached) return this.cached;
    const generation = this.generation;
    const company = columnOf(this.workspace.object('company'));
    const person = columnOf(this.workspace.object('people'));
    const companies = await sql.query<Accounts['companies'][number]>(
      `SELECT id, lower(${company('Name')}) AS name, lower(${company('Domain')}) AS domain, ${company('Account Tier')} AS tier FROM ${tableName('company')} ORDER BY created_at, id`,
    );
    const people = await sql.query<Accounts['people'][number]>(
      `SELECT id, lower(${person('Email')}) AS email FROM ${tableName('people')} WHERE ${person('Email')} IS NOT NULL ORDER BY created_at, id`,
    );
    const accounts = { companies, people };
    if (generation === this.generation) this.cached = accounts;
    return accounts;
  }

  /** Stops following changes. */
  close(): void {
    this.unsubscribe();
    this.cached = undefined;
  }
}

/** The quoted column of a field by name, or NULL when the object has no such field. */
function columnOf(definition: ObjectDefinition): (fieldName: string) => string {
  return (fieldName) => {
    const field = findField(definition, fieldName);
    return field && field.type !== 'action' ? quoteIdentifier(field.column) : 'NULL';
  };
}
