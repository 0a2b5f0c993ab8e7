import { defineRouteContract } from '../../shared/http/openApi/routeContract';

export const contract = defineRouteContract({
  summary: 'This document',
  description: 'The OpenAPI 3.1 document of the HTTP API: the contract the routes keep (openapi/openapi.json).',
  responses: {
    200: {
      description: 'The OpenAPI document',
      body: { type: 'object', properties: { openapi: { type: 'string', pattern: '^3\\.1\\.' }, info: { type: 'object' }, paths: { type: 'object' } }, required: ['openapi', 'info', 'paths'] },
    },
  },
});
