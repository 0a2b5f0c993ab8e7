import document from '../../openapi/openapi.json';
import { jsonResponse } from '../../shared/http/jsonResponse';
import { httpHandler } from '../../shared/middleware/http/httpHandler';

/**
 * GET /openapi.json: the committed OpenAPI document, bundled into the function (no file is read at run
 * time). It is generated from code (npm run openapi) and a test fails when the two differ, so what
 * this serves is what the routes do.
 */
export const handler = httpHandler(() => Promise.resolve(jsonResponse(200, document)));
