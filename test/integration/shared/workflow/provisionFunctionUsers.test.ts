import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { connect } from 'amqplib';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LOCAL_MANAGEMENT_API, localPassword } from '../../../../emulator/services/applyAccessControl';
import { closeRabbitMq } from '../../../../shared/clients/rabbitMq';
import { FUNCTIONS } from '../../../../shared/routes/functionCatalog';
import { rabbitMqPermissions } from '../../../../shared/security/rabbitMqPermissions';
import { handler } from '../../../../functions/declare-workflow-topology/handler';
import { lambdaContextOf } from '../../../../testkit/lambdaContextOf';
import { LocalSecretsManager } from '../../../../testkit/localSecretsManager';

/**
 * The deploy hook making each function's RabbitMQ user from the stack's secrets, as on Amazon MQ,
 * against the real local broker's management API; then the user logs in with its secret's password and
 * has exactly the rights the template gave it. Secrets Manager is played by testkit/localSecretsManager.
 */
jest.setTimeout(30_000);

const run = Date.now().toString(36);
const secretsManager = new LocalSecretsManager();
const vhostUrl = () => new URL(process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672/triplane-test');
// The same passwords as the local setup gives these users (other tests log in as them too).
const passwordOf = (user: string) => localPassword(user);
const STEP_USERS = ['triplane-reserve-inventory', 'triplane-start-order-workflow'];

/** Deletes the users first, so only the hook can have made them again. */
async function deleteUsers(): Promise<void> {
  const { url, username, password } = LOCAL_MANAGEMENT_API;
  for (const user of STEP_USERS) {
    const response = await fetch(`${url}/api/users/${user}`, { method: 'DELETE', headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` } });
    expect([204, 404]).toContain(response.status);
  }
}

beforeAll(async () => {
  await secretsManager.start();
  for (const user of STEP_USERS) secretsManager.secrets.set(`arn:secret:${user}`, { username: user, password: passwordOf(user) });
  secretsManager.secrets.set('arn:secret:mismatch', { username: 'someone-else', password: 'x' });
});

afterAll(async () => {
  await secretsManager.stop();
  await closeRabbitMq();
});

/** The `Users` entry the template gives a function's user (deploy/renderMqUsers), with a test secret. */
function userEntry(user: string, secretArn = `arn:secret:${user}`) {
  const permissions = FUNCTIONS.map((fn) => rabbitMqPermissions(fn)).find((p) => p?.user === user);
  if (permissions === undefined) throw new Error(`no function has the RabbitMQ user ${user}`);
  return { SecretArn: secretArn, Configure: permissions.configure, Write: permissions.write, Read: permissions.read };
}

async function deploy(users: unknown): Promise<Record<string, unknown>> {
  let answer: Record<string, unknown> = {};
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      answer = JSON.parse(body) as Record<string, unknown>;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const event = {
    RequestType: 'Update',
    ServiceToken: 'arn:aws:lambda:local',
    ResponseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/answer`,
    StackId: 'arn:aws:cloudformation:local:000000000000:stack/triplane-test/1',
    RequestId: `req-${run}`,
    ResourceType: 'Custom::WorkflowTopology',
    LogicalResourceId: 'WorkflowTopology',
    PhysicalResourceId: 'triplane-workflow-topology-test',
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:local', Users: users },
    OldResourceProperties: {},
  } as unknown as CloudFormationCustomResourceEvent;
  await handler(event, lambdaContextOf('declare-workflow-topology'));
  await new Promise((resolve) => server.close(resolve));
  return answer;
}

const loginAs = (user: string) => {
  const url = vhostUrl();
  url.username = user;
  url.password = passwordOf(user);
  return connect(url.toString());
};

describe('the deploy hook provisioning RabbitMQ users', () => {
  it('should make each user with its secret password and its manifest rights only', async () => {
    await deleteUsers();
    await expect(loginAs('triplane-reserve-inventory')).rejects.toThrow(/ACCESS_REFUSED|403/);
    const answer = await deploy({ 'triplane-reserve-inventory': userEntry('triplane-reserve-inventory'), 'triplane-start-order-workflow': userEntry('triplane-start-order-workflow') });
    expect(answer).toMatchObject({ Status: 'SUCCESS', Data: { users: 2 } });

    const step = await loginAs('triplane-reserve-inventory');
    step.on('error', () => undefined);
    try {
      const channel = await step.createChannel();
      await expect(channel.checkQueue('inventory.reserve')).resolves.toMatchObject({ queue: 'inventory.reserve' });
      const denied = await step.createChannel();
      denied.on('error', () => undefined);
      await expect(denied.consume('payment.authorize', () => undefined)).rejects.toThrow(/ACCESS_REFUSED/);
    } finally {
      await step.close().catch(() => undefined);
    }
    const starter = await loginAs('triplane-start-order-workflow');
    starter.on('error', () => undefined);
    try {
      const channel = await starter.createChannel();
      channel.on('error', () => undefined);
      await expect(channel.consume('inventory.reserve', () => undefined)).rejects.toThrow(/ACCESS_REFUSED/);
    } finally {
      await starter.close().catch(() => undefined);
    }
  });

  it('should fail the deploy, saying why, for a malformed Users property or a secret for someone else', async () => {
    // The old shape (user -> secret ARN, rights left to the hook) and a user without its rights are refused, not guessed.
    expect(await deploy({ 'triplane-reserve-inventory': 'arn:secret:triplane-reserve-inventory' })).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringContaining('each user needs SecretArn, Configure, Write and Read'),
    });
    expect(await deploy({ guest: userEntry('triplane-reserve-inventory') })).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining('a function user is named triplane-<function>') });
    expect(await deploy({ 'triplane-reserve-inventory': { ...userEntry('triplane-reserve-inventory'), Tags: 'administrator' } })).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringContaining('Users'),
    });
    expect(await deploy({ 'triplane-reserve-inventory': userEntry('triplane-reserve-inventory', 'arn:secret:mismatch') })).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringContaining('is for someone-else'),
    });
  });
});
