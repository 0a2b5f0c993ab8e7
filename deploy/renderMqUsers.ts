import { mqSecretIdOf } from '../shared/routes/derivedNames';
import type { FunctionRoute } from '../shared/routes/functionCatalog';
import { ownRabbitMqUserOf, rabbitMqPermissions } from '../shared/security/rabbitMqPermissions';

/** The functions that get a RabbitMQ user (and secret) of their own on Amazon MQ: every step and publisher. */
export const hasMqUser = (fn: FunctionRoute): boolean => ownRabbitMqUserOf(fn) !== undefined;

/** The secret a function logs in to RabbitMQ with: its own, or the admin one for the deploy hook. */
export const mqSecretOf = (fn: FunctionRoute): unknown => (hasMqUser(fn) ? { Ref: mqSecretIdOf(fn.name) } : '${param:mqSecretArn}');

/** One generated secret per RabbitMQ user; the deploy hook creates the users from them (shared/security/rabbitMqUsers). */
export function mqSecretResources(functions: readonly FunctionRoute[]): Record<string, unknown> {
  return Object.fromEntries(
    functions.filter(hasMqUser).map((fn) => [
      mqSecretIdOf(fn.name),
      {
        Type: 'AWS::SecretsManager::Secret',
        Properties: {
          Description: `triplane ${fn.name}: its Amazon MQ user`,
          GenerateSecretString: { SecretStringTemplate: JSON.stringify({ username: ownRabbitMqUserOf(fn) }), GenerateStringKey: 'password', PasswordLength: 32, ExcludePunctuation: true },
        },
      },
    ]),
  );
}

/** The custom resource's `Users` property: user name -> its secret and rights, for the hook to provision (shared/workflow/provisionFunctionUsers). */
export const mqUsersProperty = (functions: readonly FunctionRoute[]): Record<string, unknown> =>
  Object.fromEntries(
    functions.flatMap((fn) => {
      const permissions = ownRabbitMqUserOf(fn) === undefined ? undefined : rabbitMqPermissions(fn);
      return permissions === undefined ? [] : [[permissions.user, { SecretArn: { Ref: mqSecretIdOf(fn.name) }, Configure: permissions.configure, Write: permissions.write, Read: permissions.read }]];
    }),
  );
