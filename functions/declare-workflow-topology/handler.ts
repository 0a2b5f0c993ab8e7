import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { connect } from 'amqplib';
import { rabbitMqUrl } from '../../shared/clients/rabbitMqUrl';
import { logger } from '../../shared/observability/logger';
import { declareWorkflowTopology } from '../../shared/workflow/declareWorkflowTopology';
import { provisionFunctionUsers } from '../../shared/workflow/provisionFunctionUsers';
import { customResourceResponse, sendCustomResourceResponse } from './customResourceResponse';

/**
 * Deploy-time custom resource: declares the workflow exchanges and queues on the Amazon MQ broker from
 * shared/routes/workflow, and makes each step's and publisher's own user (`Users`: user -> its secret and rights),
 * on every Create and Update. Delete leaves the topology in place on purpose:
 * deleting queues would delete the messages in them, and this workflow never loses one.
 * CloudFormation waits for an answer on the presigned ResponseURL, so one is sent whatever happens.
 */
export async function handler(event: CloudFormationCustomResourceEvent, context: Context): Promise<void> {
  const physicalId = 'PhysicalResourceId' in event ? event.PhysicalResourceId : `triplane-workflow-topology-${event.StackId.split('/').pop() ?? 'stack'}`;
  try {
    let data: Record<string, number> = {};
    if (event.RequestType !== 'Delete') {
      const connection = await connect(await rabbitMqUrl());
      try {
        data = await declareWorkflowTopology(await connection.createChannel());
      } finally {
        await connection.close().catch(() => undefined);
      }
      const users = (event.ResourceProperties as { Users?: unknown }).Users;
      if (users !== undefined) data.users = await provisionFunctionUsers(users);
    }
    await sendCustomResourceResponse(event.ResponseURL, customResourceResponse(event, 'SUCCESS', physicalId, context.logStreamName, data));
  } catch (error) {
    logger.error('workflow topology failed', { error: error as Error });
    await sendCustomResourceResponse(event.ResponseURL, customResourceResponse(event, 'FAILED', physicalId, `${(error as Error).message} (log stream ${context.logStreamName})`));
  }
}
