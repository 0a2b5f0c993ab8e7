/**
 * How long one AWS SDK request may take, and how often it is tried. The SDK's defaults set no connection
 * and no request timeout (`NodeHttpHandlerOptions` in @smithy/types: "Defaults to 0, which disables the
 * timeout"), so a function whose VPC has no route to the service (no endpoint, no NAT) would hang until
 * Lambda kills it, with no error saying why.
 *
 * Every call here is small (GetSecretValue, GetBootstrapBrokers, PutObject of one archive batch), so
 * 3 s to connect and 5 s per attempt are generous. Three attempts with the SDK's standard backoff keep
 * a whole call under 20 s, inside the timeout of every function that calls AWS at all but the 6 s HTTP
 * readers', which read their keys' secret once per TTL and answer 500 if Lambda stops them first.
 */
export const AWS_CONNECTION_TIMEOUT_MS = 3_000;
export const AWS_REQUEST_TIMEOUT_MS = 5_000;
export const AWS_MAX_ATTEMPTS = 3;

export interface AwsClientConfig {
  region?: string;
  endpoint?: string;
  maxAttempts: number;
  requestHandler: {
    connectionTimeout: number;
    requestTimeout: number;
    /** Newer @smithy/node-http-handler only warns on a breached requestTimeout unless this is set. */
    throwOnRequestTimeout: boolean;
    /** Socket idle time; older handlers applied requestTimeout this way, newer ones keep both. */
    socketTimeout: number;
  };
}

/**
 * The configuration every AWS SDK v3 client in the functions is built with (`new XClient(awsClientConfig())`),
 * checked by test/unit/shared/clients/awsClientConfig.test.ts. The handler options are passed as a plain
 * object, which the client turns into its own NodeHttpHandler (the shorthand of SDK 3.521.0 and later:
 * https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/node-configuring-maxsockets.html),
 * so no @smithy package is bundled beside the SDK the Lambda runtime ships.
 */
export function awsClientConfig(options: { region?: string; endpoint?: string } = {}): AwsClientConfig {
  return {
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    maxAttempts: AWS_MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: AWS_CONNECTION_TIMEOUT_MS,
      requestTimeout: AWS_REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
      socketTimeout: AWS_REQUEST_TIMEOUT_MS,
    },
  };
}
