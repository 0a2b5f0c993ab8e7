import { childEnvironment } from '../../emulator/config/localConfig';
import { functionEnvironment } from '../../emulator/runtime/functionEnvironment';
import { applyLocalEnvironment } from '../../emulator/runtime/localEnvironment';
import type { LocalKafka } from '../../emulator/runtime/localKafka';
import type { ServerlessWiring } from '../../emulator/runtime/serverlessFunctions';
import { FUNCTION_VARIABLES } from '../../shared/config/functionConfig';
import type { FunctionRoute } from '../../shared/routes/functionCatalog';

/**
 * The environment a function gets from the local runtime (emulator/runtime: serverless.yml's provider
 * environment, the local services, its own Redis and RabbitMQ users), built from this process's
 * settings for the variables a function reads and nothing else: a zip must not lean on what happens
 * to be set in the test's process (NODE_PATH, npm's variables).
 */
export function packagedFunctionEnvironment(fn: FunctionRoute, functionName: string, wiring: ServerlessWiring, kafka: LocalKafka): NodeJS.ProcessEnv {
  const read = new Set(FUNCTION_VARIABLES);
  const runtimeEnv: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(childEnvironment()).filter(([name]) => read.has(name) || name.startsWith('POWERTOOLS_')));
  applyLocalEnvironment(wiring, kafka, runtimeEnv);
  return functionEnvironment(fn, functionName, runtimeEnv);
}
