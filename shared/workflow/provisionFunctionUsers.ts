import { functionConfig } from '../config/functionConfig';
import { readUserSecret } from '../clients/userSecret';
import * as z from 'zod';
import type { RabbitMqPermissions } from '../security/rabbitMqPermissions';
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
 * The custom resource's `Users` property, as the template gives it (deploy/renderMqUsers): each user's
 * secret and its permission regexes, derived at package time from the functions' facts. The hook
 * holds no list of its own, so the template it runs with is the whole truth of who gets which rights.
 */
const usersProperty = z.record(
  z.string(),
  z.object({ SecretArn: z.string().min(1), Configure: z.string(), Write: z.string(), Read: z.string() }, { error: 'each user needs SecretArn, Configure, Write and Read' }).strict(),
);

/** Makes each function's RabbitMQ user with its permissions and the password its secret holds. */
export async function provisionFunctionUsers(property: unknown): Promise<number> {
  const parsed = usersProperty.safeParse(property);
  // Only function users: the broker's admin and any other account stay out of the hook's reach.
  const stranger = parsed.success ? Object.keys(parsed.data).find((user) => !/^triplane-[a-z0-9-]+$/.test(user)) : undefined;
  if (stranger !== undefined) throw new Error(`the Users property names ${stranger}: a function user is named triplane-<function>`);
  if (!parsed.success) throw new Error(`the Users property is malformed: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  const wanted = await Promise.all(
    Object.entries(parsed.data).map(async ([user, given]) => {
      const secret = await readUserSecret(given.SecretArn);
      if (secret.username !== user) throw new Error(`secret ${given.SecretArn} is for ${secret.username}, not ${user}`);
      const permissions: RabbitMqPermissions = { user, configure: given.Configure, write: given.Write, read: given.Read };
      return { permissions, password: secret.password };
    }),
  );
  const { api, vhost } = await managementApi();
  return provisionRabbitMqUsers(api, vhost, wanted);
}
