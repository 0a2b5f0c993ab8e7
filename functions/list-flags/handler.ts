import { facts } from './function';
import type { FlagsBody } from './contract';
import { jsonResponse } from '../../shared/http/jsonResponse';
import { httpReadHandler, readThen } from '../../shared/middleware/http/httpReadHandler';
import { hashRead } from '../../shared/state/generationReads';
import { readFlag } from '../../shared/state/readFlag';

/** GET /flags: every feature flag, by name. */
export const handler = httpReadHandler(facts.projection, (_event, keys) =>
  readThen([hashRead(keys.flags())], ([stored]) => {
    const flags = Object.keys(stored)
      .sort()
      .map((name) => readFlag(name, stored[name] ?? '{}'));
    return jsonResponse(200, { flags } satisfies FlagsBody);
  }),
);
