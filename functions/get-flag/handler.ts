import { facts } from './function';
import type { FlagBody } from './contract';
import { HttpError } from '../../shared/http/HttpError';
import { jsonResponse } from '../../shared/http/jsonResponse';
import { pathId } from '../../shared/http/pathParameter';
import { httpReadHandler, readThen } from '../../shared/middleware/http/httpReadHandler';
import { hashFieldRead } from '../../shared/state/generationReads';
import { readFlag } from '../../shared/state/readFlag';

/** GET /flags/{name}: one feature flag; 404 if it was never set. */
export const handler = httpReadHandler(facts.projection, (event, keys) => {
  const name = pathId(event, 'name');
  return readThen([hashFieldRead(keys.flags(), name)], ([stored]) => {
    if (stored === null) throw new HttpError(404, 'flag not found', { details: { name } });
    return jsonResponse(200, readFlag(name, stored) satisfies FlagBody);
  });
});
