import { z } from 'zod';
import { defineRouteContract } from '../../shared/http/openApi/routeContract';
import { flagBody } from '../get-flag/contract';

export const flagsBody = z.strictObject({ flags: z.array(flagBody) });
export type FlagsBody = z.infer<typeof flagsBody>;

export const contract = defineRouteContract({
  summary: 'Every feature flag',
  description: 'Every flag ever set, by name.',
  responses: { 200: { description: 'The flags, sorted by name', body: flagsBody } },
});
