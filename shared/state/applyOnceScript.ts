/**
 * Atomic "apply unless already applied" for a whole batch, in one round trip.
 * KEYS: one idempotency marker per entry. ARGV[1]: marker TTL in seconds; then per entry its content
 * digest, the number of ops, and per op its kind ('c' command, 't' touch), its argument count and its
 * arguments. A marker holds the digest of the event it marks (`1` for marks made before digests, read
 * as the same content: they can only come from the same deployment's earlier applies).
 * Returns { per entry 1 applied, 0 already marked with the same content, 2 marked with other content
 * (nothing applied), errors as "entry:message" }.
 * Ops run with pcall: Redis scripts do not roll back, so one failing op must not abort the others of
 * the batch; its error is reported so the record is dead-lettered with the reason.
 * Touch and the ops keys are not declared in KEYS: this needs Redis without cluster mode (or all keys
 * in one slot), which is how ElastiCache is configured for triplane.
 */
export const APPLY_ONCE_LUA = `
local ttl = ARGV[1]
local pos = 2
local applied = {}
local errors = {}
for e = 1, #KEYS do
  local digest = ARGV[pos]; local nops = tonumber(ARGV[pos + 1]); pos = pos + 2
  local mark = redis.call('GET', KEYS[e])
  if mark then
    for o = 1, nops do
      local nargs = tonumber(ARGV[pos + 1]); pos = pos + 2 + nargs
    end
    if mark == digest or mark == '1' then applied[e] = 0 else applied[e] = 2 end
  else
    for o = 1, nops do
      local kind = ARGV[pos]; local nargs = tonumber(ARGV[pos + 1]); local first = pos + 2
      pos = first + nargs
      local ok
      if kind == 'c' then
        ok = redis.pcall(unpack(ARGV, first, first + nargs - 1))
      else
        local key = ARGV[first]
        if redis.call('EXISTS', key) == 1 then
          ok = redis.pcall('HSET', key, ARGV[first + 1], ARGV[first + 2])
          if not (type(ok) == 'table' and ok.err) then
            local stored = tonumber(redis.call('HGET', key, ARGV[first + 4]))
            if stored then ok = redis.pcall('EXPIREAT', key, tonumber(ARGV[first + 3]) + stored) end
          end
        end
      end
      if type(ok) == 'table' and ok.err then errors[#errors + 1] = e .. ':' .. ok.err end
    end
    redis.call('SET', KEYS[e], digest, 'EX', ttl)
    applied[e] = 1
  end
end
return { applied, errors }
`;
