// A workspace: workspace.yaml, object definitions on disk and the DuckDB file, opened together.
import { chmodSync, copyFileSync, statSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { dump } from 'js-yaml';
import { type Clock, type IdGenerator, randomIds, systemClock } from './clock';
import { Database } from './database';
import { DefinitionError, EscalatorError } from './errors';
import type { BusinessCalendar, CompileContext } from './filter-compiler';
import { stageFile, packageRoot } from './files';
import { type ObjectFileProblem, definitionFrom, dumpObjectFile, loadObjects, parseYaml, validateRegistry } from './object-files';
import { type ObjectDefinition, objectNameFrom } from './object-schema';
import { pathInside } from './safe-path';
import { reconcileObjects, schemaIsCurrent } from './schema-sync';
import { reservedFieldProblem } from './environment-names';
import type { ValueContext } from './values';
import { type WorkspaceConfig, workspaceConfigSchema } from './workspace-config';
import { restrictDatabaseFile, workspaceDatabasePath } from './workspace-database';

export interface WorkspaceOptions {
  clock?: Clock;
  ids?: IdGenerator;
  /** Time limit of one read-only query (default 5 s). */
  queryTimeoutMs?: number;
  /** DuckDB's memory limit, e.g. "1GB" (the default). */
  memoryLimit?: string;
}

/** One field change, as recorded in field_changes and told to listeners once committed. */
export interface EntryChange {
  object: string;
  entryId: string;
  field: string;
  oldValue: string | null;
  newValue: string | null;
  by: string;
}

export type EntryListener = (changes: readonly EntryChange[]) => void;

/** Work done with entry changes inside their transaction, before it commits (see Workspace.onEntriesWriting). */
export type EntryWriteHook = (changes: readonly EntryChange[]) => Promise<void>;

/** The built-in objects every workspace starts with. */
export const templateObjects = ['company', 'people', 'support_tickets'] as const;

export class Workspace {
  /** Business-hours arithmetic; set by the SLA layer when workspace.yaml defines a calendar. */
  calendar: BusinessCalendar | undefined;
  private readonly listeners = new Set<EntryListener>();
  private readonly writeHooks = new Set<EntryWriteHook>();
  /** Object files that were not loaded, each with its reason (the rest of the workspace works without them). */
  readonly problems: ObjectFileProblem[] = [];
  /** Where each loaded object's file is, when not objects/<name>/ (nested or hyphenated folders). */
  private readonly files = new Map<string, string>();

  private constructor(
    readonly dir: string,
    public config: WorkspaceConfig,
    public objects: Map<string, ObjectDefinition>,
    readonly db: Database,
    readonly clock: Clock,
    readonly ids: IdGenerator,
  ) {}

  /** Opens an existing workspace and brings its database in line with its object files. */
  static async open(dir: string, options: WorkspaceOptions = {}): Promise<Workspace> {
    const root = resolve(dir);
    if (!existsSync(join(root, 'workspace.yaml'))) {
      throw new EscalatorError(`no workspace at ${root} (workspace.yaml missing); run "escalator init" there first`);
    }
    const config = readConfig(root);
    const loaded = loadObjects(root);
    const objects = loaded.objects;
    const fileLabel = (name: string) => relative(root, loaded.files.get(name) ?? join(root, objectFileLabel(name)));
    const clock = options.clock ?? systemClock;
    validateRegistry(objects, fileLabel, { now: clock.now(), timeZone: config.timezone }, { lenient: true });
    mkdirSync(join(root, 'exports'), { recursive: true, mode: 0o700 });
    restrictDatabaseFile(workspaceDatabasePath(root));
    const db = await Database.open(workspaceDatabasePath(root), {
      allowedDirectory: join(root, 'exports'),
      ...(options.queryTimeoutMs === undefined ? {} : { readTimeoutMs: options.queryTimeoutMs }),
      ...(options.memoryLimit === undefined ? {} : { memoryLimit: options.memoryLimit }),
    });
    try {
      if (!(await schemaIsCurrent(db, objects))) await db.transaction((sql) => reconcileObjects(sql, objects, fileLabel));
    } catch (error) {
      db.close();
      await Database.release(db.path);
      throw error;
    }
    const workspace = new Workspace(root, config, objects, db, clock, options.ids ?? randomIds);
    workspace.problems.push(...loaded.problems);
    for (const [name, file] of loaded.files) workspace.files.set(name, file);
    return workspace;
  }

  /**
   * Creates a workspace with the built-in objects. The workspace is built in a folder beside the target and
   * moved into place at the end, so a failure leaves nothing half-made.
   */
  static async init(
    dir: string,
    options: WorkspaceOptions & { timezone?: string; name?: string; populate?: (workspace: Workspace) => Promise<void> } = {},
  ): Promise<Workspace> {
    const root = resolve(dir);
    if (existsSync(join(root, 'workspace.yaml'))) throw new EscalatorError(`${root} is already a workspace (workspace.yaml exists)`);
    if (existsSync(root) && readdirSync(root).length > 0) throw new EscalatorError(`${root} is not empty; init needs a new or empty folder`);
    const staging = join(dirname(root), `.${basename(root)}.init-${process.pid}`);
    rmSync(staging, { recursive: true, force: true });
    try {
      mkdirSync(staging, { recursive: true, mode: 0o700 });
      for (const folder of ['objects', 'jobs', 'actions', 'exports']) mkdirSync(join(staging, folder), { recursive: true, mode: 0o700 });
      const config = workspaceConfigSchema.parse({
        name: options.name ?? 'escalator workspace',
        timezone: options.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC',
      });
      stageFile(join(staging, 'workspace.yaml'), dump(config, { lineWidth: 120 })).commit();
      for (const name of templateObjects) {
        mkdirSync(join(staging, 'objects', name), { recursive: true, mode: 0o700 });
        copyFileSync(join(packageRoot(), 'objects', 'templates', `${name}.object.yaml`), join(staging, 'objects', name, '.object.yaml'));
        chmodSync(join(staging, 'objects', name, '.object.yaml'), 0o600);
      }
      const staged = await Workspace.open(staging, options);
      try {
        if (options.populate) await options.populate(staged);
      } finally {
        await staged.close();
      }
      restrictTree(staging);
      if (existsSync(root)) rmSync(root, { recursive: true });
      mkdirSync(dirname(root), { recursive: true });
      renameSync(staging, root);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      throw error;
    }
    return Workspace.open(root, options);
  }

  get timeZone(): string {
    return this.config.timezone;
  }

  /** What parsing a value needs: the time zone and now. */
  valueContext(): ValueContext {
    return { timeZone: this.config.timezone, now: this.clock.now() };
  }

  /** What compiling a filter needs, at the current time. */
  compileContext(now: Date = this.clock.now()): CompileContext {
    const context: CompileContext = { objects: this.objects, now, timeZone: this.config.timezone };
    if (this.calendar) context.calendar = this.calendar;
    return context;
  }

  object(name: string): ObjectDefinition {
    const definition = this.objects.get(name) ?? this.objects.get(objectNameFrom(name));
    if (definition) return definition;
    const skipped = this.problems.find((problem) => problem.object === objectNameFrom(name));
    if (skipped) {
      throw new EscalatorError(`object "${name}" is not loaded: ${skipped.file}${skipped.line === undefined ? '' : `:${skipped.line}`}: ${skipped.message}`);
    }
    throw new EscalatorError(`unknown object "${name}" (objects: ${[...this.objects.keys()].join(', ')})`);
  }

  objectFile(name: string): string {
    return this.files.get(name) ?? join(pathInside(join(this.dir, 'objects'), name, { kind: 'object' }), '.object.yaml');
  }

  docsDir(name: string): string {
    const file = this.files.get(name);
    return file ? join(dirname(file), 'docs') : join(pathInside(join(this.dir, 'objects'), name, { kind: 'object' }), 'docs');
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  /**
   * Replaces (or creates) one object's definition from its file data: validated with every other object,
   * reconciled into DuckDB in one transaction, then the file moved into place. Nothing changes on failure.
   */
  async saveObject(data: Record<string, unknown>): Promise<ObjectDefinition> {
    const label = objectFileLabel(String(data.name ?? 'object'));
    const definition = definitionFrom(data, label);
    const before = this.objects.get(definition.name);
    for (const field of definition.fields) {
      if (before?.fields.some((known) => known.name.toLowerCase() === field.name.toLowerCase())) continue;
      const problem = reservedFieldProblem(field.name);
      if (problem) throw new EscalatorError(problem);
    }
    const objects = new Map(this.objects);
    objects.set(definition.name, definition);
    const fileLabel = (name: string) => relative(this.dir, this.objectFile(name));
    // Only this object is checked: what was assumed when its file was loaded (a view naming a field it lacks)
    // may stay as it was, but nothing new may be wrong.
    const notes = validateRegistry(new Map([[definition.name, definition]]), fileLabel, { now: this.clock.now(), timeZone: this.timeZone }, { lenient: true, registry: objects });
    // Compared without the lists of fields and suggestions a message ends with, which change as fields are added.
    const gist = (message: string) => message.split(/[;(]/)[0]!.trim();
    const fresh = notes.find((note) => !before?.notes.some((known) => gist(known) === gist(note.message)));
    if (fresh) throw new DefinitionError(fileLabel(definition.name), fresh.message);
    const path = this.objectFile(definition.name);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const staged = stageFile(path, dumpObjectFile(definition.raw));
    try {
      await this.db.transaction((sql) => reconcileObjects(sql, objects, fileLabel));
    } catch (error) {
      staged.discard();
      throw error;
    }
    staged.commit();
    this.objects = objects;
    this.files.set(definition.name, path);
    const index = this.problems.findIndex((problem) => problem.object === definition.name);
    if (index >= 0) this.problems.splice(index, 1);
    return definition;
  }

  /** Writes workspace.yaml back (atomically) after validating it. */
  saveConfig(config: Record<string, unknown>): void {
    const parsed = workspaceConfigSchema.safeParse(config);
    if (!parsed.success) throw new DefinitionError('workspace.yaml', parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
    stageFile(join(this.dir, 'workspace.yaml'), dump(JSON.parse(JSON.stringify(parsed.data)), { lineWidth: 120 })).commit();
    this.config = parsed.data;
  }

  /** Subscribes to committed entry changes (jobs evaluate changed entries at once). Returns the unsubscriber. */
  onEntriesChanged(listener: EntryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Subscribes to entry changes inside the transaction that makes them, just before it commits: what the hook
   * writes (an outbox row) commits with the change or not at all, so it holds even in a process that exits right
   * after (a CLI command with no serve running). A failing hook rolls the change back. Returns the unsubscriber.
   */
  onEntriesWriting(hook: EntryWriteHook): () => void {
    this.writeHooks.add(hook);
    return () => this.writeHooks.delete(hook);
  }

  /** Runs the write hooks on changes before the current transaction commits, and tells listeners once it has. */
  announce(changes: readonly EntryChange[]): void {
    if (changes.length === 0) return;
    if (this.writeHooks.size > 0) {
      const hooks = [...this.writeHooks];
      this.db.beforeCommit(async () => {
        for (const hook of hooks) await hook(changes);
      });
    }
    this.db.afterCommit(() => {
      for (const listener of this.listeners) listener(changes);
    });
  }

  async close(): Promise<void> {
    await this.db.settle();
    this.db.close();
    await Database.release(this.db.path);
  }
}

/** Folders 0700 and files 0600 throughout a freshly made workspace, whatever the umask was. */
function restrictTree(dir: string): void {
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) restrictTree(path);
    else if (entry.isFile()) chmodSync(path, 0o600);
  }
}

function objectFileLabel(name: string): string {
  return `objects/${name}/.object.yaml`;
}

function readConfig(root: string): WorkspaceConfig {
  const data = parseYaml(readFileSync(join(root, 'workspace.yaml'), 'utf8'), 'workspace.yaml') ?? {};
  const parsed = workspaceConfigSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DefinitionError(relative(process.cwd(), join(root, 'workspace.yaml')) || 'workspace.yaml', `${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  return parsed.data;
}
