import { mqSecretIdOf, pascalNameOf } from '../shared/routes/derivedNames';
import { FUNCTIONS, type FunctionRoute } from '../shared/routes/manifest';
import { ownRabbitMqUserOf } from '../shared/security/rabbitMqPermissions';

/** The functions that get a RabbitMQ user (and secret) of their own on Amazon MQ: every step and publisher. */
export const hasMqUser = (fn: FunctionRoute): boolean => ownRabbitMqUserOf(fn) !== undefined;


/** The secret a function logs in to RabbitMQ with: its own, or the admin one for the deploy hook. */
export const mqSecretOf = (fn: FunctionRoute): unknown => (hasMqUser(fn) ? { Ref: mqSecretIdOf(fn.name) } : '${param:mqSecretArn}');

/** One generated secret per RabbitMQ user; the deploy hook creates the users from them (shared/security/rabbitMqUsers). */
export function mqSecretResources(): Record<string, unknown> {
  return Object.fromEntries(
    FUNCTIONS.filter(hasMqUser).map((fn) => [
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

/** The custom resource's `Users` property: user name -> its secret, for the hook to provision. */
export const mqUsersProperty = (): Record<string, unknown> =>
  Object.fromEntries(FUNCTIONS.filter(hasMqUser).map((fn) => [ownRabbitMqUserOf(fn) ?? fn.name, { Ref: mqSecretIdOf(fn.name) }]));
