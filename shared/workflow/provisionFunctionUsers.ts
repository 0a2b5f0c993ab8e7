import { functionConfig } from '../config/functionConfig';
import { readUserSecret } from '../clients/userSecret';
import { FUNCTIONS } from '../routes/manifest';
import { rabbitMqPermissions, type RabbitMqPermissions } from '../security/rabbitMqPermissions';
import { managementUrlOf, provisionRabbitMqUsers, type ManagementApi } from '../security/rabbitMqUsers';

/**
 * The broker's management API as the deploy hook sees it: RABBITMQ_MANAGEMENT_URL with the user of
 * RABBITMQ_URL locally; on Amazon MQ, HTTPS on the AMQPS endpoint's host with the admin secret.
 */
async function managementApi(): Promise<{ api: ManagementApi; vhost: string }> {
  const config = functionConfig();
  if (config.RABBITMQ_URL !== undefined) {
    const url = new URL(config.RABBITMQ_URL);
    const api = { url: config.RABBITMQ_MANAGEMENT_URL ?? `http://${url.hostname}:15672`, username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
    return { api, vhost: decodeURIComponent(url.pathname.slice(1)) || '/' };
  }
  const endpoint = config.RABBITMQ_ENDPOINT;
  const secretArn = config.RABBITMQ_SECRET_ARN;
  if (!endpoint || !secretArn) throw new Error('RABBITMQ_ENDPOINT and RABBITMQ_SECRET_ARN are needed to reach the broker management API');
  return { api: { url: managementUrlOf(endpoint), ...(await readUserSecret(secretArn)) }, vhost: '/' };
}

/**
 * Makes each function's RabbitMQ user (user name -> secret ARN, from the stack), with the permissions
 * the manifest gives that user and the password its secret holds. A user the manifest does not know
 * is refused: the stack and the code must agree on who gets which rights.
 */
export async function provisionFunctionUsers(users: Record<string, string>): Promise<number> {
  const known = new Map(FUNCTIONS.map((fn) => rabbitMqPermissions(fn)).filter((p): p is RabbitMqPermissions => p !== undefined).map((p) => [p.user, p]));
  const wanted = await Promise.all(
    Object.entries(users).map(async ([user, secretArn]) => {
      const permissions = known.get(user);
      if (permissions === undefined) throw new Error(`no function of the manifest has the RabbitMQ user ${user}`);
      const secret = await readUserSecret(secretArn);
      if (secret.username !== user) throw new Error(`secret ${secretArn} is for ${secret.username}, not ${user}`);
      return { permissions, password: secret.password };
    }),
  );
  const { api, vhost } = await managementApi();
  return provisionRabbitMqUsers(api, vhost, wanted);
}
