import { functionConfig } from '../config/functionConfig';
import { connectOnce } from './connectOnce';
import { readUserSecret } from './userSecret';

const resolved = connectOnce(resolveUrl);

/**
 * The broker URL: RABBITMQ_URL when set (locally), else built from RABBITMQ_ENDPOINT (amqps://host:5671)
 * and the Secrets Manager secret in RABBITMQ_SECRET_ARN ({"username","password"}, the same secret the
 * Amazon MQ event source mappings use). Credentials never live in the deploy config.
 */
export function rabbitMqUrl(): Promise<string> {
  return resolved.get();
}

async function resolveUrl(): Promise<string> {
  const config = functionConfig();
  if (config.RABBITMQ_URL !== undefined) return config.RABBITMQ_URL;
  const endpoint = config.RABBITMQ_ENDPOINT;
  const secretArn = config.RABBITMQ_SECRET_ARN;
  if (!endpoint || !secretArn) return 'amqp://guest:guest@127.0.0.1:5672';
  const { username, password } = await readUserSecret(secretArn);
  const url = new URL(endpoint);
  url.username = encodeURIComponent(username);
  url.password = encodeURIComponent(password);
  return url.toString();
}

/** The virtual host an AMQP URL names: its path, percent-decoded; an empty path is the default vhost `/`. */
export const vhostOf = (url: string): string => decodeURIComponent(new URL(url).pathname.slice(1)) || '/';
