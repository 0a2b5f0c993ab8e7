import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { loadRedisCredentials } from '../clients/redisCredentials';

/** Loads the function's own Redis credentials (once per container) before anything in the handler touches Redis. */
export function redisLogin<TEvent, TResult, TContext extends Context>(): MiddlewareObj<TEvent, TResult, Error, TContext> {
  return {
    before: async () => {
      await loadRedisCredentials();
    },
  };
}
