import { AsyncLocalStorage } from 'node:async_hooks';
import type { UserSecret } from './userSecret';

/** The users the code running now acts as, on Redis and on RabbitMQ. */
export interface FunctionIdentity {
  redis?: UserSecret;
  rabbitMq?: UserSecret;
}

/**
 * On Lambda a process is one function, whose users come from its secrets (REDIS_SECRET_ARN,
 * RABBITMQ_SECRET_ARN). The local runtime runs every function in one process, so it says per
 * invocation which function is calling: each talks to Redis and RabbitMQ as itself.
 */
const identities = new AsyncLocalStorage<FunctionIdentity>();

export function runAsFunction<T>(identity: FunctionIdentity, fn: () => T): T {
  return identities.run(identity, fn);
}

export const currentRedisUser = (): UserSecret | undefined => identities.getStore()?.redis;
export const currentRabbitMqUser = (): UserSecret | undefined => identities.getStore()?.rabbitMq;
