// Every tool the agent can call, built with its dependencies.
import type { Workspace } from '../objects/workspace';
import { addFieldsTool } from './add-fields';
import { Confirmations } from './confirmations';
import { createEntriesTool } from './create-entries';
import { createObjectTool } from './create-object';
import { createViewTool } from './create-view';
import { deleteJobTool } from './delete-job';
import { describeWorkspaceTool } from './describe-workspace';
import { findEntriesTool } from './find-entries';
import { listJobsTool } from './list-jobs';
import { queryTool } from './query';
import { renderChartTool } from './render-chart';
import { runJobTool } from './run-job';
import { scheduleJobTool } from './schedule-job';
import { sendMessageTool } from './send-message';
import { slaStatusTool } from './sla-status';
import type { AnyTool } from './tool';
import { updateEntriesTool } from './update-entries';
import { updateJobTool } from './update-job';
import { writeDocumentTool } from './write-document';

export interface ToolDependencies {
  workspace: Workspace;
  /** Previews awaiting the person's yes, shared by the tools that need one; a new set when omitted. */
  confirmations?: Confirmations;
}

/** The agent's tools, in the order the model sees them. */
export function createTools(options: ToolDependencies): AnyTool[] {
  const deps = { ...options, confirmations: options.confirmations ?? new Confirmations() };
  const tools: AnyTool[] = [
    describeWorkspaceTool(deps),
    createObjectTool(deps),
    addFieldsTool(deps),
    createViewTool(deps),
    createEntriesTool(deps),
    updateEntriesTool(deps),
    findEntriesTool(deps),
    queryTool(deps),
    scheduleJobTool(deps),
    listJobsTool(deps),
    updateJobTool(deps),
    deleteJobTool(deps),
    runJobTool(deps),
    writeDocumentTool(deps),
    slaStatusTool(deps),
    sendMessageTool(deps),
    renderChartTool(deps),
  ];
  return tools;
}
