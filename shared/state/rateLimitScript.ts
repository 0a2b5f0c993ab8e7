/**
 * The count of one fixed window: INCR, and EXPIRE when the key is new, in one script, so the count and
 * its expiry can never be separated (a MULTI needs @transaction, which the per-function ACL users do
 * not have, and a lost EXPIRE would leave a counter that never resets). KEYS[1]: the window's counter;
 * ARGV[1]: its lifetime in seconds; leaves the count after this request in `count`. The read script
 * (countedReadScript) starts with the same lines.
 */
export const RATE_LIMIT_COUNT_LUA = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
`;

/**
 * One fixed-window count, atomically. Returns the count after this request.
 * The two commands it runs are the only ones the rate-limited functions' users may write with
 * (shared/security/redisAcl), on their ratelimit keys only.
 */
export const RATE_LIMIT_LUA = `${RATE_LIMIT_COUNT_LUA}
return count
`;
