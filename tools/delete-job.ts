// delete_job: removes a job's file; its ledger and run log stay for the audit trail.
import { z } from 'zod';
import { deleteJob } from '../jobs/job-files';
import type { Workspace } from '../objects/workspace';
import { defineTool } from './tool';

export function deleteJobTool(deps: { workspace: Workspace }) {
  return defineTool({
    name: 'delete_job',
    description: 'Delete a monitoring job for good (to pause it instead, use update_job with enabled=false). Only when the person asked for deletion.',
    inputSchema: z.object({ name: z.string().describe('The job to delete') }),
    async run(input) {
      await deleteJob(deps.workspace, input.name);
      return { deleted: input.name };
    },
  });
}
