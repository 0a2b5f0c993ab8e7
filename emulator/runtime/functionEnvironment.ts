import { localUsersOf, urlAsUser } from './localFunctionUsers';
import type { FunctionRoute } from '../../shared/routes/functionCatalog';

/**
 * The environment one function's worker starts with, as Lambda gives each function its own: the
 * runtime's (serverless.yml's provider environment and the local services, see localEnvironment),
 * Lambda's reserved variables, and the function's own users in REDIS_URL and RABBITMQ_URL, where
 * deployed its secrets (REDIS_SECRET_ARN, RABBITMQ_SECRET_ARN) would name them.
 */
export function functionEnvironment(fn: FunctionRoute, functionName: string, runtimeEnv: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...runtimeEnv,
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
  };
  const users = localUsersOf(fn);
  const redisUrl = runtimeEnv.REDIS_URL ?? 'redis://127.0.0.1:6379';
  // The sandbox providers stand for the outside world, not for this function: their ledger keeps the runtime's login.
  env.REDIS_SANDBOX_URL ||= redisUrl;
  if (users.redis !== undefined) env.REDIS_URL = urlAsUser(redisUrl, users.redis);
  if (users.rabbitMq !== undefined && runtimeEnv.RABBITMQ_URL) env.RABBITMQ_URL = urlAsUser(runtimeEnv.RABBITMQ_URL, users.rabbitMq);
  return env;
}
