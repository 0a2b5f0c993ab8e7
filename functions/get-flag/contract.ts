import { z } from 'zod';
import { notFoundBody } from '../../shared/http/openApi/errorBodies';
import { defineRouteContract } from '../../shared/http/openApi/routeContract';

export const flagBody = z.strictObject({ name: z.string(), enabled: z.boolean(), rollout: z.number(), updatedAt: z.string().nullable() });
export type FlagBody = z.infer<typeof flagBody>;

export const contract = defineRouteContract({
  summary: 'One feature flag',
  description: 'A flag: whether it is on, and for what share of users (rollout 0-100).',
  responses: {
    200: { description: 'The flag', body: flagBody },
    404: { description: 'Never set', body: notFoundBody('name') },
  },
});
