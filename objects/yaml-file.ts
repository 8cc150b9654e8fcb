// The one way escalator reads YAML from a workspace: bounded in bytes, aliases and expanded size, so a file
// built to expand (a "billion laughs" alias bomb) is refused with an error instead of hanging whatever walks it.
import { load, YAMLException } from 'js-yaml';
import { DefinitionError } from './errors';

/** Limits on what one YAML file may be and expand to. */
export interface YamlLimits {
  /** Largest text accepted, in bytes (UTF-8). */
  maxBytes: number;
  /** Most alias references (`*name`) a file may use. */
  maxAliases: number;
  /** Most values (maps, lists and scalars) the file may stand for once every alias is expanded. */
  maxNodes: number;
}

export const defaultYamlLimits: YamlLimits = { maxBytes: 1024 * 1024, maxAliases: 100, maxNodes: 100_000 };

/**
 * Parses YAML text from `file`; a syntax error names the file and line, and a file over the limits is refused
 * with a DefinitionError saying what to do. js-yaml itself expands aliases by sharing one object, so loading is
 * quick; the cost comes later (zod, JSON.stringify) — hence the walk here, which stops at the first limit.
 */
export function readYaml(text: string, { file, limits = defaultYamlLimits }: { file: string; limits?: YamlLimits }): unknown {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes) {
    throw new DefinitionError(file, `is ${bytes} bytes, more than the ${limits.maxBytes} a YAML file may be; make it smaller`);
  }
  let data: unknown;
  try {
    data = load(text);
  } catch (error) {
    if (error instanceof YAMLException) {
      const line = error.mark ? error.mark.line + 1 : undefined;
      throw new DefinitionError(file, `malformed YAML: ${error.reason}`, line === undefined ? { cause: error } : { cause: error, line });
    }
    throw error;
  }
  checkExpansion(data, file, limits);
  return data;
}

/** Walks the loaded value as a reader would see it expanded, counting values and repeated (aliased) objects. */
function checkExpansion(data: unknown, file: string, limits: YamlLimits): void {
  const seen = new Set<object>();
  const pending: unknown[] = [data];
  let nodes = 0;
  let aliases = 0;
  while (pending.length > 0) {
    const value = pending.pop();
    nodes += 1;
    if (nodes > limits.maxNodes) {
      throw new DefinitionError(file, `expands to more than ${limits.maxNodes} values (YAML aliases repeated inside each other?); write the values out or split the file`);
    }
    if (value === null || typeof value !== 'object') continue;
    if (seen.has(value)) {
      aliases += 1;
      if (aliases > limits.maxAliases) {
        throw new DefinitionError(file, `uses more than ${limits.maxAliases} YAML aliases (*name); write the values out instead`);
      }
    } else {
      seen.add(value);
    }
    for (const child of Array.isArray(value) ? value : Object.values(value)) pending.push(child);
  }
}
