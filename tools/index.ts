// Every tool the agent can call, built with its dependencies.
import type { Workspace } from '../objects/workspace';
import { addFieldsTool } from './add-fields';
import { createEntriesTool } from './create-entries';
import { createObjectTool } from './create-object';
import { createViewTool } from './create-view';
import { describeWorkspaceTool } from './describe-workspace';
import { findEntriesTool } from './find-entries';
import { queryTool } from './query';
import type { AnyTool } from './tool';
import { updateEntriesTool } from './update-entries';
import { writeDocumentTool } from './write-document';

export interface ToolDependencies {
  workspace: Workspace;
}

/** The agent's tools, in the order the model sees them. */
export function createTools(deps: ToolDependencies): AnyTool[] {
  return [
    describeWorkspaceTool(deps),
    createObjectTool(deps),
    addFieldsTool(deps),
    createViewTool(deps),
    createEntriesTool(deps),
    updateEntriesTool(deps),
    findEntriesTool(deps),
    queryTool(deps),
    writeDocumentTool(deps),
  ] as AnyTool[];
}
