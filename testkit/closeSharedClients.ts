import { closeSharedClients } from '../shared/clients/sharedClients';

/**
 * After each test file: closes the process-wide clients the handlers open at first use (on Lambda a
 * container keeps them for its life). A test that calls a handler directly, say the ingest handler
 * whose API-key rate limiter connects to Redis, would otherwise leave its connection open, and jest's
 * worker, and so `npm test` and CI, would never exit. Closing twice is harmless.
 */
afterAll(closeSharedClients);
