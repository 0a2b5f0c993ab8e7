import { redisUserOf } from '../../shared/routes/derivedNames';
import { localConfig } from '../config/localConfig';
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { FUNCTIONS } from '../../shared/routes/functionCatalog';
import { rabbitMqPermissions } from '../../shared/security/rabbitMqPermissions';
import { provisionRabbitMqUsers } from '../../shared/security/rabbitMqUsers';
import { redisAclRules, usesRedis } from '../../shared/security/redisAcl';

/**
 * Local passwords of the per-function users: derived, so tests and tools can log in without a vault.
 * They protect nothing on a laptop; deployed, passwords come from Secrets Manager.
 */
export const localPassword = (user: string): string => createHash('sha256').update(`triplane-local:${user}`).digest('hex').slice(0, 32);

/** The local broker's management API (the plugin `npm run services` enables), as its default user. */
export const LOCAL_MANAGEMENT_API = { url: 'http://127.0.0.1:15672', username: 'guest', password: 'guest' };

/**
 * The management API of the broker RABBITMQ_URL names: the shared local one, unless a broker of its own
 * (the fault suite's node) says where its API listens in RABBITMQ_MANAGEMENT_URL. Users made on another
 * broker than the one the functions log in to would leave them locked out.
 */
export const managementApiInUse = () => ({ ...LOCAL_MANAGEMENT_API, url: localConfig().RABBITMQ_MANAGEMENT_URL ?? LOCAL_MANAGEMENT_API.url });

/**
 * Creates one Redis ACL user and one RabbitMQ user per function, with the rights derived from its function.ts
 * (shared/security), on the local servers. Both are idempotent and take milliseconds, so they are
 * applied on every start: a restarted server gets its users back.
 */
export async function applyAccessControl(options: { namespace: string; vhost: string; redisUrl: string }): Promise<{ redisUsers: number; rabbitMqUsers: number }> {
  const redisUsers = await applyRedisUsers(options.redisUrl, options.namespace);
  const rabbitMqUsers = await applyRabbitMqUsers(options.vhost);
  return { redisUsers, rabbitMqUsers };
}

/** Each function's Redis ACL user for `namespace`, on the Redis at `redisUrl` (as its default user). */
export async function applyRedisUsers(redisUrl: string, namespace: string): Promise<number> {
  const redisUsers = FUNCTIONS.filter(usesRedis).map((fn) => ({ user: redisUserOf(fn, namespace), rules: redisAclRules(fn, namespace, FUNCTIONS) }));
  const redis = new Redis(redisUrl);
  try {
    // ACL SETUSER is cheap and idempotent: always applied, so a restarted Redis gets its users back.
    for (const { user, rules } of redisUsers) await redis.call('ACL', 'SETUSER', user, ...rules, `>${localPassword(user)}`);
  } finally {
    await redis.quit();
  }
  return redisUsers.length;
}

/** Each step's and publisher's RabbitMQ user, with its permissions on `vhost` (and only there). */
export async function applyRabbitMqUsers(vhost: string): Promise<number> {
  const rabbitUsers = FUNCTIONS.map((fn) => rabbitMqPermissions(fn)).filter((p) => p !== undefined);
  // The same provisioning as the deploy-time hook (shared/security/rabbitMqUsers), on the local management API.
  await provisionRabbitMqUsers(
    managementApiInUse(),
    vhost,
    rabbitUsers.map((permissions) => ({ permissions, password: localPassword(permissions.user) })),
  );
  return rabbitUsers.length;
}
