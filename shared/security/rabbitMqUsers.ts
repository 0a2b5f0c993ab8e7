import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import type { RabbitMqPermissions } from './rabbitMqPermissions';

/** A management API answer worth another try: the broker restarting (connection refused, 5xx) or a lost connection. */
class TransientManagementError extends Error {}

/**
 * About 30 s of tries: a broker that was just restarted (a failover, `start_app`) serves AMQP before
 * its management plugin answers again, and a runtime restarted then must wait rather than exit.
 */
const managementRetry = retry(
  handleWhen((error) => error instanceof TransientManagementError),
  {
    maxAttempts: 10,
    backoff: new ExponentialBackoff({ initialDelay: 250, maxDelay: 5_000 }),
  },
);

export interface ManagementApi {
  /** The broker's management HTTP API: https://<broker>.mq.<region>.amazonaws.com on Amazon MQ, http://127.0.0.1:15672 locally. */
  url: string;
  username: string;
  password: string;
}

/**
 * Creates (or updates) each function's RabbitMQ user with its password and sets its permissions on
 * the vhost, through the management HTTP API: the one way to manage users that both Amazon MQ for
 * RabbitMQ and a local broker offer. PUT is idempotent, so a redeploy only re-applies.
 */
export async function provisionRabbitMqUsers(api: ManagementApi, vhost: string, users: ReadonlyArray<{ permissions: RabbitMqPermissions; password: string }>): Promise<number> {
  const authorization = `Basic ${Buffer.from(`${api.username}:${api.password}`).toString('base64')}`;
  const putOnce = async (path: string, body: unknown) => {
    const response = await fetch(`${api.url.replace(/\/$/, '')}/api/${path}`, {
      method: 'PUT',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    }).catch((error: unknown) => {
      // fetch rejects only when no answer came (refused, reset, timed out): the broker may be on its way back.
      throw new TransientManagementError(`RabbitMQ management PUT /api/${path} got no answer: ${(error as Error).message}`, { cause: error });
    });
    if (response.ok) return;
    const message = `RabbitMQ management PUT /api/${path} answered ${response.status}: ${(await response.text()).slice(0, 200)}`;
    // A 4xx (bad credentials, unknown vhost) stays wrong however often it is sent.
    throw response.status >= 500 ? new TransientManagementError(message) : new Error(message);
  };
  const put = (path: string, body: unknown) => managementRetry.execute(() => putOnce(path, body));
  for (const { permissions, password } of users) {
    const user = encodeURIComponent(permissions.user);
    await put(`users/${user}`, { password, tags: '' });
    await put(`permissions/${encodeURIComponent(vhost)}/${user}`, { configure: permissions.configure, write: permissions.write, read: permissions.read });
  }
  return users.length;
}

/** The management API of a broker from its AMQPS endpoint: Amazon MQ serves it on HTTPS, same host. */
export const managementUrlOf = (amqpEndpoint: string): string => `https://${new URL(amqpEndpoint).hostname}`;
