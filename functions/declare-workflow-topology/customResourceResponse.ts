import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse } from 'aws-lambda';

/**
 * The answer CloudFormation expects from a custom resource.
 * Source: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html
 */
export function customResourceResponse(
  event: CloudFormationCustomResourceEvent,
  status: 'SUCCESS' | 'FAILED',
  physicalResourceId: string,
  reason: string,
  data: Record<string, unknown> = {},
): CloudFormationCustomResourceResponse {
  return {
    Status: status,
    Reason: reason.slice(0, 3_000),
    PhysicalResourceId: physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: data,
  };
}

/**
 * How long the answer's PUT may take. The URL is on S3, reached through the stack's S3 gateway endpoint
 * or a NAT (deploy/renderVpcEndpoints.ts); with neither, fetch would wait until Lambda stops the function
 * and CloudFormation would hear nothing until the resource's ServiceTimeout.
 */
export const RESPONSE_TIMEOUT_MS = 15_000;

/** PUT to the presigned S3 URL; content-type must be empty or the signature does not match. */
export async function sendCustomResourceResponse(url: string, response: CloudFormationCustomResourceResponse, timeoutMs = RESPONSE_TIMEOUT_MS): Promise<void> {
  const body = JSON.stringify(response);
  const reply = await fetch(url, { method: 'PUT', body, headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) }, signal: AbortSignal.timeout(timeoutMs) }).catch(
    (error: unknown) => {
      throw new Error(`CloudFormation response URL: PUT failed or got no answer within ${timeoutMs} ms (is S3 reachable from the VPC?): ${(error as Error).message}`, { cause: error });
    },
  );
  if (!reply.ok) throw new Error(`CloudFormation response URL answered ${reply.status}`);
}
