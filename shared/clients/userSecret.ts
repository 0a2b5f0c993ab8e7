import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsClientConfig } from './awsClientConfig';

export interface UserSecret {
  username: string;
  password: string;
}

/** A Secrets Manager secret holding `{"username","password"}`, the shape Amazon MQ and our generated secrets use. */
export async function readUserSecret(secretArn: string): Promise<UserSecret> {
  const secret = await new SecretsManagerClient(awsClientConfig()).send(new GetSecretValueCommand({ SecretId: secretArn }));
  const { username, password } = JSON.parse(secret.SecretString ?? '{}') as Partial<UserSecret>;
  if (!username || !password) throw new Error(`secret ${secretArn} has no username and password`);
  return { username, password };
}
