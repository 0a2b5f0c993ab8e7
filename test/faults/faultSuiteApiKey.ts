import { randomBytes } from 'node:crypto';

/** The fault suite's API key, new each run: the runtime requires it (TRIPLANE_API_KEYS), every request sends it. */
export const faultSuiteApiKey = randomBytes(24).toString('base64url');
