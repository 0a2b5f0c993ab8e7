import { redisSecretIdOf, redisUserIdOf, redisUserOf } from '../shared/routes/derivedNames';
import type { FunctionFacts } from '../shared/routes/functionFacts';
import { redisAclRules, usesRedis } from '../shared/security/redisAcl';
import { DEFAULT_NAMESPACE } from '../shared/state/redisKeys';

/** Deployed functions use the default namespace (no TRIPLANE_REDIS_NAMESPACE on Lambda). */
const NAMESPACE = DEFAULT_NAMESPACE;

/** `get-flag` -> `GetFlagRedisSecret`: the secret holding the function's Redis user name and password. */
export const REDIS_USER_GROUP = 'RedisUserGroup';

/**
 * An ElastiCache RBAC access string: the same rules as the local ACL user (shared/security/redisAcl),
 * without `reset`, which only clears a local user that existed before.
 */
export const accessStringOf = (fn: FunctionFacts, functions: readonly FunctionFacts[]): string =>
  redisAclRules(fn, NAMESPACE, functions)
    .filter((rule) => rule !== 'reset')
    .join(' ');

/**
 * One ElastiCache RBAC user per function that touches Redis, with a generated password in a secret of
 * its own (the function reads it at cold start: REDIS_SECRET_ARN), and a user group holding them all
 * plus a disabled `default` user, as ElastiCache requires. The cache is not part of this stack, so the
 * group is an output to attach once: `aws elasticache modify-replication-group --replication-group-id
 * ID --user-group-ids-to-add GROUP`.
 */
export function redisUserResources(functions: readonly FunctionFacts[]): Record<string, unknown> {
  const resources: Record<string, unknown> = {};
  const userIds: unknown[] = [];
  for (const fn of functions.filter(usesRedis)) {
    const secretId = redisSecretIdOf(fn.name);
    resources[secretId] = {
      Type: 'AWS::SecretsManager::Secret',
      Properties: {
        Description: `triplane ${fn.name}: its ElastiCache user`,
        GenerateSecretString: { SecretStringTemplate: JSON.stringify({ username: redisUserOf(fn, NAMESPACE) }), GenerateStringKey: 'password', PasswordLength: 32, ExcludePunctuation: true },
      },
    };
    resources[redisUserIdOf(fn.name)] = {
      Type: 'AWS::ElastiCache::User',
      Properties: {
        UserId: `triplane-\${sls:stage}-${fn.name}`,
        UserName: redisUserOf(fn, NAMESPACE),
        Engine: 'redis',
        AccessString: accessStringOf(fn, functions),
        AuthenticationMode: { Type: 'password', Passwords: [{ 'Fn::Sub': `{{resolve:secretsmanager:\${${secretId}}:SecretString:password}}` }] },
      },
    };
    userIds.push({ Ref: redisUserIdOf(fn.name) });
  }
  resources.RedisDefaultUser = {
    Type: 'AWS::ElastiCache::User',
    Properties: { UserId: 'triplane-${sls:stage}-default', UserName: 'default', Engine: 'redis', AccessString: 'off -@all', AuthenticationMode: { Type: 'no-password-required' } },
  };
  resources[REDIS_USER_GROUP] = {
    Type: 'AWS::ElastiCache::UserGroup',
    Properties: { UserGroupId: 'triplane-${sls:stage}', Engine: 'redis', UserIds: [{ Ref: 'RedisDefaultUser' }, ...userIds] },
  };
  return resources;
}
