import type { UserSecret } from '../../shared/clients/userSecret';
import { redisUserOf } from '../../shared/routes/derivedNames';
import type { FunctionFacts } from '../../shared/routes/functionFacts';
import { ownRabbitMqUserOf } from '../../shared/security/rabbitMqPermissions';
import { usesRedis } from '../../shared/security/redisAcl';
import { redisNamespace } from '../../shared/state/redisKeys';
import { localPassword } from '../services/applyAccessControl';

/** The users one function logs in as, on Redis and on RabbitMQ; a function that uses neither has none. */
export interface LocalFunctionUsers {
  redis?: UserSecret;
  rabbitMq?: UserSecret;
}

/**
 * The local users of a function: its Redis ACL user if it uses Redis, its RabbitMQ user if it
 * publishes or runs a step (both made by `npm run services` with derived local passwords).
 */
export function localUsersOf(fn: Pick<FunctionFacts, 'name' | 'redis' | 'step' | 'publishes' | 'deployHook'>, namespace = redisNamespace()): LocalFunctionUsers {
  const users: LocalFunctionUsers = {};
  if (usesRedis(fn)) {
    const username = redisUserOf(fn, namespace);
    users.redis = { username, password: localPassword(username) };
  }
  const rabbitMqUser = ownRabbitMqUserOf(fn);
  if (rabbitMqUser !== undefined) users.rabbitMq = { username: rabbitMqUser, password: localPassword(rabbitMqUser) };
  return users;
}

/** `url` logging in as `user` (redis:// and amqp:// both carry credentials in the URL). */
export function urlAsUser(url: string, user: UserSecret): string {
  const withUser = new URL(url);
  withUser.username = encodeURIComponent(user.username);
  withUser.password = encodeURIComponent(user.password);
  return withUser.toString();
}
