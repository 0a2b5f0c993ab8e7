import type { FunctionFacts } from './functionFacts';

/**
 * Every name derived from a function's name, in one place: the deploy rendering, the local runtime,
 * the doctor, the ops view and the tests all build them here, so a logical id or a user is never
 * spelled twice. (Consumer groups are written in serverless.yml, their one home.)
 */

/** `get-order` -> `getOrder`: the serverless.yml function key. */
export const functionKey = (name: string): string => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** `get-order` -> `GetOrder`: the stem of every CloudFormation logical id made for a function. */
export const pascalNameOf = (name: string): string => {
  const key = functionKey(name);
  return `${key.charAt(0).toUpperCase()}${key.slice(1)}`;
};

/** The CloudFormation logical id the framework gives a function: `get-order` -> `GetOrderLambdaFunction`. */
export const logicalIdOf = (name: string): string => `${pascalNameOf(name)}LambdaFunction`;
/** `project-sessions` -> `ProjectSessionsRole`. */
export const roleIdOf = (name: string): string => `${pascalNameOf(name)}Role`;
export const redisSecretIdOf = (name: string): string => `${pascalNameOf(name)}RedisSecret`;
export const redisUserIdOf = (name: string): string => `${pascalNameOf(name)}RedisUser`;
export const mqSecretIdOf = (name: string): string => `${pascalNameOf(name)}MqSecret`;
/** The log group the framework makes for a function: `get-order` -> `GetOrderLogGroup`. */
export const logGroupIdOf = (name: string): string => `${pascalNameOf(name)}LogGroup`;

/** A function's own RabbitMQ user, on Amazon MQ as locally. */
export const rabbitMqUserOf = (fn: Pick<FunctionFacts, 'name'>): string => `triplane-${fn.name}`;

/** A function's own Redis ACL user for a namespace (locally; ElastiCache users are named per stage by the stack). */
export const redisUserOf = (fn: Pick<FunctionFacts, 'name'>, namespace: string): string => `${namespace}.${fn.name}`;
