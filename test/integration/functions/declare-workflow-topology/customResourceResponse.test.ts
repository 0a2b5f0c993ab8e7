import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudFormationCustomResourceCreateEvent } from 'aws-lambda';
import { customResourceResponse, RESPONSE_TIMEOUT_MS, sendCustomResourceResponse } from '../../../../functions/declare-workflow-topology/customResourceResponse';

/**
 * The hook's answer to CloudFormation's presigned ResponseURL, against local servers: one that never
 * answers (S3 out of reach from the VPC looks like this) and one that does.
 */
const event = {
  RequestType: 'Create',
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:hook',
  ResponseURL: 'unused',
  StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/triplane-dev/guid',
  RequestId: 'request-1',
  LogicalResourceId: 'WorkflowTopology',
  ResourceType: 'Custom::WorkflowTopology',
  ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:hook' },
} as CloudFormationCustomResourceCreateEvent;

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/response?X-Amz-Signature=abc`, server };
}

const close = (server: Server) => {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(resolve));
};

describe('sendCustomResourceResponse', () => {
  it('should give up with an error naming the timeout when the response URL never answers', async () => {
    const { url, server } = await serve(() => undefined);
    try {
      const started = Date.now();
      await expect(sendCustomResourceResponse(url, customResourceResponse(event, 'SUCCESS', 'id', 'ok'), 300)).rejects.toThrow(/no answer within 300 ms/);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await close(server);
    }
  });

  it('should keep a default timeout well under the custom resource ServiceTimeout', () => {
    expect(RESPONSE_TIMEOUT_MS).toBeGreaterThan(1_000);
    expect(RESPONSE_TIMEOUT_MS).toBeLessThanOrEqual(30_000);
  });

  it('should PUT the answer with an empty content-type when the response URL answers', async () => {
    const received: Array<{ method?: string; contentType?: string; body: string }> = [];
    const { url, server } = await serve((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ method: req.method, contentType: req.headers['content-type'], body });
        res.end();
      });
    });
    try {
      await sendCustomResourceResponse(url, customResourceResponse(event, 'SUCCESS', 'id', 'ok', { queues: 4 }));
      expect(received).toHaveLength(1);
      expect(received[0]?.method).toBe('PUT');
      expect(received[0]?.contentType ?? '').toBe('');
      expect(JSON.parse(received[0]?.body ?? '{}')).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'id', RequestId: 'request-1', Data: { queues: 4 } });
    } finally {
      await close(server);
    }
  });
});
