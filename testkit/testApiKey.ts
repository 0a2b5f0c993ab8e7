/**
 * The API key of the test profile: testkit/localServicesEnv configures it (TRIPLANE_API_KEYS)
 * before any handler loads, and every test that calls an HTTP route sends it, as a client would.
 */
export const TEST_API_KEY = 'triplane-test-key-0f7c2b9e4d1a6358';

export const withTestKey = (headers: Record<string, string> = {}): Record<string, string> => ({ 'x-api-key': TEST_API_KEY, ...headers });
