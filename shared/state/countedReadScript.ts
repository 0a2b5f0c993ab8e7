import { RATE_LIMIT_COUNT_LUA } from './rateLimitScript';

/**
 * A read route's whole Redis work in one round trip: count the request in its rate-limit window, and,
 * within the limit, read the projection's generation pointer and then the data in that generation.
 * Redis runs a script atomically, so the pointer and the data are read at one instant: a replay's
 * switch is seen by the very next read, and a read never reaches a generation the replay has just
 * deleted (with a GET first and the data second, a read could fall between the switch and the delete).
 * Over the limit nothing is read: a refused request costs Redis the INCR alone.
 *
 * KEYS[1]: the window's counter.
 * ARGV[1]: the counter's lifetime (s); ARGV[2]: the limit; ARGV[3]: the generation pointer; ARGV[4], ARGV[5]:
 * what stands before and after the generation number in the generation's namespace
 * (projectionKeys.generationPrefixParts); then, per read: the command, its key count, its argument count,
 * its keys (relative to the generation: projectionKeys.generationRelativeKeys), its arguments.
 * Returns {count} over the limit, else {count, reply of each read...}.
 *
 * The pointer is not declared in KEYS either: Redis checks a script's declared keys for reading and writing
 * (EVAL's key specification), and a read route may only read the pointer.
 * The data keys are computed inside the script, so they are not declared in KEYS: Redis allows that on a
 * standalone server or an ElastiCache replication group with cluster mode disabled (triplane's), not in
 * cluster mode, where every key a script touches must be declared and hash to one slot
 * (https://redis.io/docs/latest/develop/interact/programmability/eval-intro/#script-parameterization).
 * Each redis.call is still checked against the caller's ACL user, key by key: the script reaches nothing
 * the read route's user could not read (or count) with plain commands.
 */
export const COUNTED_READ_LUA = `${RATE_LIMIT_COUNT_LUA}
if count > tonumber(ARGV[2]) then return {count} end
local generation = tonumber(redis.call('GET', ARGV[3]))
if generation == nil or generation < 0 or generation ~= math.floor(generation) then generation = 0 end
local prefix = ARGV[4] .. string.format('%d', generation) .. ARGV[5]
local replies = {count}
local i = 6
while i <= #ARGV do
  local keyCount, argCount = tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
  local call = {}
  for k = 1, keyCount do call[k] = prefix .. ARGV[i + 2 + k] end
  for a = 1, argCount do call[keyCount + a] = ARGV[i + 2 + keyCount + a] end
  replies[#replies + 1] = redis.call(ARGV[i], unpack(call))
  i = i + 3 + keyCount + argCount
end
return replies
`;
