import { functionConfig } from '../../config/functionConfig';
import { hash } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsClientConfig } from '../../clients/awsClientConfig';
import { logger } from '../../observability/logger';
import { ApiKeyConfigError, parseApiKeyList } from '../../security/apiKeyList';

/** Keys are held only as SHA-256 digests: equal length for constant-time comparison, and nothing to leak. One-shot `hash`: every request takes one. */
export const keyDigest = (value: string): Buffer => hash('sha256', value, 'buffer');

/**
 * How long a container trusts the keys it read from Secrets Manager. A rotated or revoked key is
 * honoured everywhere within this time, with no redeploy; each container costs one GetSecretValue per
 * period ($0.05 per 10,000 calls, https://aws.amazon.com/secrets-manager/pricing/).
 */
/** After a failed refresh, how long the last keys are kept before Secrets Manager is asked again. */
const RETRY_AFTER_FAILURE_MS = 5_000;

/**
 * The secret's shape: `{"keys":"key1,key2"}` (what the stack generates; add a key, deploy clients, then
 * remove the old one, each with `aws secretsmanager put-secret-value`).
 */
async function readKeySecret(secretArn: string): Promise<string[]> {
  const secret = await new SecretsManagerClient(awsClientConfig()).send(new GetSecretValueCommand({ SecretId: secretArn }));
  let parsed: unknown;
  try {
    parsed = JSON.parse(secret.SecretString ?? '');
  } catch {
    throw new ApiKeyConfigError(`secret ${secretArn} is not JSON; expected {"keys":"key1,key2"}`);
  }
  const keys = typeof parsed === 'object' && parsed !== null && 'keys' in parsed ? parsed.keys : undefined;
  if (typeof keys !== 'string') throw new ApiKeyConfigError(`secret ${secretArn} has no "keys" string; expected {"keys":"key1,key2"}`);
  return parseApiKeyList(keys, `the "keys" of secret ${secretArn}`);
}

export interface ApiKeySource {
  /** The digests of the keys accepted now; throws when none are configured or they cannot be read. */
  digests(): Promise<readonly Buffer[]>;
}

/**
 * Where the accepted keys come from, fail closed:
 * - TRIPLANE_API_KEYS (comma-separated): locally, where `npm start` sets it (to the development key
 *   when the user gave none). Set but empty is an error.
 * - TRIPLANE_API_KEYS_SECRET_ARN: deployed, a Secrets Manager secret read at cold start and again
 *   every TRIPLANE_API_KEYS_TTL_SECONDS (60 by default), so a rotation needs no redeploy. If a refresh
 *   fails, the keys already read stay in use (a Secrets Manager blip must not lock every client out)
 *   and the failure is logged.
 * - neither: every request is refused with a 500 and an error log: a function deployed without keys
 *   must not serve anyone, and must say why.
 */
export function apiKeySourceFromEnv(env: NodeJS.ProcessEnv = process.env, now: () => number = Date.now): ApiKeySource {
  const config = functionConfig(env);
  const listed = config.TRIPLANE_API_KEYS;
  if (listed !== undefined) {
    let digests: Buffer[] | undefined;
    return {
      digests: () => Promise.resolve().then(() => (digests ??= parseApiKeyList(listed, 'TRIPLANE_API_KEYS').map(keyDigest))),
    };
  }
  const secretArn = config.TRIPLANE_API_KEYS_SECRET_ARN;
  if (secretArn === undefined || secretArn === '') {
    return {
      digests: () => Promise.reject(new ApiKeyConfigError('no API keys are configured (neither TRIPLANE_API_KEYS nor TRIPLANE_API_KEYS_SECRET_ARN): every request is refused')),
    };
  }
  const ttlMs = config.TRIPLANE_API_KEYS_TTL_SECONDS * 1000;
  let cached: { digests: Buffer[]; freshUntil: number } | undefined;
  let refreshing: Promise<Buffer[]> | undefined;
  const refresh = (): Promise<Buffer[]> =>
    (refreshing ??= readKeySecret(secretArn)
      .then((keys) => {
        const digests = keys.map(keyDigest);
        cached = { digests, freshUntil: now() + ttlMs };
        return digests;
      })
      .catch((error: unknown) => {
        if (cached === undefined) throw error;
        logger.error('refreshing the API keys from Secrets Manager failed; the keys read before stay in use', { secretArn, error: error as Error });
        cached = { digests: cached.digests, freshUntil: now() + Math.min(ttlMs, RETRY_AFTER_FAILURE_MS) };
        return cached.digests;
      })
      .finally(() => (refreshing = undefined)));
  return {
    digests: async () => (cached !== undefined && now() < cached.freshUntil ? cached.digests : refresh()),
  };
}
