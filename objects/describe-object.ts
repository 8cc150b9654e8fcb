// One description of an object definition for people and programs (objects show --json, the agent's tools and
// system prompt): fields with types, options and relations, and saved views.
import type { Filter } from './filter';
import type { ObjectDefinition } from './object-schema';

export interface ObjectDescription {
  name: string;
  display_field: string;
  kanban_field?: string;
  fields: { name: string; type: string; options?: string[]; related_object?: string; script?: string }[];
  views: { name: string; filter?: Filter; sort: { field: string; direction: 'asc' | 'desc' }[] }[];
}

export function describeObject(definition: ObjectDefinition): ObjectDescription {
  return {
    name: definition.name,
    display_field: definition.displayField,
    ...(definition.kanbanField ? { kanban_field: definition.kanbanField } : {}),
    fields: definition.fields.map((field) => ({
      name: field.name,
      type: field.type,
      ...(field.options ? { options: field.options } : {}),
      ...(field.relatedObject ? { related_object: field.relatedObject } : {}),
      ...(field.script ? { script: field.script } : {}),
    })),
    views: definition.views.map((view) => ({ name: view.name, ...(view.filter ? { filter: view.filter } : {}), sort: view.sort })),
  };
}
