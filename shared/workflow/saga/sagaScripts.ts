/**
 * The saga record of an order is one hash, `<ns>:saga:<orderId>`:
 *   placedId   the order.placed event that started the saga (the first placement wins)
 *   digest     orderDigest of that placement
 *   expect     the command type the saga waits for next, or `done`
 *   expectId   the id of that command (deterministic: followUpId of the step before)
 *   took:<t>   the id of the command that carried out step <t>
 * Every change is one Lua script per batch, so checking and changing the record is atomic: two
 * deliveries of the same command, or a forged one racing the real one, cannot both claim a step.
 */

/**
 * For an order without a saga record, begins one from `placedId` unless its order view already holds
 * a placement starting from which could run the saga a second time (the view holds another placement,
 * or a saga that moved on: the record was evicted or expired); then returns that placement's id, and
 * writes nothing. Shared by the starter and by the record rebuild, so neither begins a saga the other
 * would refuse.
 */
const BEGIN_RECORD_LUA = `
local function beginRecord(saga, view, placedId, digest, firstType, firstId, ttl)
  local placed = redis.call('HGET', view, 'step:order.placed')
  if placed then
    local knownId = '?'
    local ok, parsed = pcall(cjson.decode, placed)
    if ok and type(parsed) == 'table' and type(parsed.eventId) == 'string' then knownId = parsed.eventId end
    if knownId ~= placedId or redis.call('HLEN', view) > 1 then return knownId end
  end
  redis.call('HSET', saga, 'placedId', placedId, 'digest', digest, 'expect', firstType, 'expectId', firstId)
  redis.call('EXPIRE', saga, ttl)
  return nil
end
`;

/**
 * Begins the sagas of a batch of order.placed events, in batch order.
 * KEYS: per order, its saga record. ARGV[1]: record TTL in seconds; per order: its order view hash
 * (the projection's current generation), placed event id, order digest, first command type and id.
 * The view key is an argument, not a key: EVALSHA declares its keys read-write, and the starter may
 * only read the view (its ACL pattern is `%R~`), which Redis checks per command inside the script. Like
 * the apply script, this needs Redis without cluster mode (or one slot), as triplane's ElastiCache is.
 * Returns per order: `start` (publish the first command: a new saga, or the same placement again
 * before its first step ran, as after a crash before the publish was confirmed), `duplicate:<id>` (the
 * same order placed again by another event, or again after its saga moved on: nothing to do),
 * `conflict:<id>` (the order was placed by <id> with other content), `known:<id>` (no record, but the
 * order view holds an order placed by <id> or a saga that moved on: the record was evicted or expired,
 * and starting again could run the saga twice).
 */
export const BEGIN_SAGAS_LUA = `${BEGIN_RECORD_LUA}
local ttl = ARGV[1]
local out = {}
local pos = 2
for e = 1, #KEYS do
  local saga = KEYS[e]
  local view, placedId, digest, firstType, firstId = ARGV[pos], ARGV[pos + 1], ARGV[pos + 2], ARGV[pos + 3], ARGV[pos + 4]
  pos = pos + 5
  local rec = redis.call('HMGET', saga, 'placedId', 'digest', 'expect', 'expectId')
  if rec[1] then
    if rec[2] ~= digest then out[e] = 'conflict:' .. rec[1]
    elseif rec[1] == placedId and rec[3] == firstType and rec[4] == firstId then out[e] = 'start'
    else out[e] = 'duplicate:' .. rec[1] end
  else
    local knownId = beginRecord(saga, view, placedId, digest, firstType, firstId, ttl)
    if knownId then out[e] = 'known:' .. knownId else out[e] = 'start' end
  end
end
return out
`;

/**
 * Claims, for each command of a batch, the step it carries out, or says why it may not.
 * KEYS: the saga record of each command's order. ARGV: per command its type, id and order digest.
 * Returns per command `ok` (claimed now, or claimed before by this same command: a redelivery or a
 * retry after a crash), `missing` (no saga record: the order was never placed, or Redis lost the record
 * and a replay of the orders topic is rebuilding it) or the reason it is refused.
 */
export const CLAIM_STEPS_LUA = `
local out = {}
for e = 1, #KEYS do
  local ctype, cid, digest = ARGV[3 * e - 2], ARGV[3 * e - 1], ARGV[3 * e]
  local rec = redis.call('HMGET', KEYS[e], 'digest', 'expect', 'expectId', 'took:' .. ctype)
  if not rec[1] then out[e] = 'missing'
  elseif rec[1] ~= digest then out[e] = 'the command carries another order than the one placed'
  elseif rec[4] == cid then out[e] = 'ok'
  elseif rec[4] then out[e] = 'step already carried out by command ' .. rec[4]
  elseif rec[2] ~= ctype then out[e] = 'out of order: the saga is at ' .. rec[2] .. ', not ' .. ctype
  elseif rec[3] ~= cid then out[e] = 'not the command the saga issued: it expects ' .. rec[3]
  else
    redis.call('HSET', KEYS[e], 'took:' .. ctype, cid)
    out[e] = 'ok'
  end
end
return out
`;

/**
 * Moves each saga on once its step's outcome is known, before the outcome is published (a crash
 * after this replays the same command, which its claim lets through, and publishes the same
 * deterministic follow-ups). KEYS: saga records. ARGV[1]: record TTL; per command its type, id, and
 * the next command's type (`done` when the saga ends) and id. Only the command that claimed the step
 * moves its saga, and only from that step.
 */
export const ADVANCE_SAGAS_LUA = `
local ttl = ARGV[1]
local moved = 0
for e = 1, #KEYS do
  local base = 2 + 4 * (e - 1)
  local ctype, cid, nextType, nextId = ARGV[base], ARGV[base + 1], ARGV[base + 2], ARGV[base + 3]
  local rec = redis.call('HMGET', KEYS[e], 'took:' .. ctype, 'expect')
  if rec[1] == cid and rec[2] == ctype then
    redis.call('HSET', KEYS[e], 'expect', nextType, 'expectId', nextId)
    redis.call('EXPIRE', KEYS[e], ttl)
    moved = moved + 1
  end
end
return moved
`;

/**
 * Records what the orders topic says about each saga (shared/workflow/saga/sagaProgress), so a record
 * Redis lost is rebuilt by a replay of the topic and a live one is never moved back. KEYS: saga
 * records. ARGV[1]: record TTL; per event its kind (`placed` or `step`) and five values:
 *   placed: placed id, order digest, first command type, first command id, and the order view hash of
 *           the generation being written. Written only when the record does not exist and the view
 *           does not remember another placement or a saga that moved on (beginRecord, as the
 *           starter checks): the first placement wins, and an evicted record is not begun again.
 *   step:   the command type that took its step, that command's id, the next command type (`done`)
 *           and id. Written only when the saga expects exactly that command and has not recorded the
 *           step yet: a record further on (the live steps move it before they publish) stays as it is.
 * Returns per event `1` (recorded), `0` (nothing to record) or why the record disagrees.
 */
export const RECORD_PROGRESS_LUA = `${BEGIN_RECORD_LUA}
local ttl = ARGV[1]
local out = {}
for e = 1, #KEYS do
  local base = 2 + 6 * (e - 1)
  local kind, a, b, c, d, view = ARGV[base], ARGV[base + 1], ARGV[base + 2], ARGV[base + 3], ARGV[base + 4], ARGV[base + 5]
  local saga = KEYS[e]
  if kind == 'placed' then
    if redis.call('EXISTS', saga) == 1 then out[e] = '0'
    else
      local knownId = beginRecord(saga, view, a, b, c, d, ttl)
      if knownId then out[e] = 'no saga record, and the order view remembers placement ' .. knownId .. ' or a saga that moved on: not begun again'
      else out[e] = '1' end
    end
  else
    local rec = redis.call('HMGET', saga, 'expect', 'expectId', 'took:' .. a)
    if not rec[1] then out[e] = 'no saga record holds the placement of this order'
    elseif rec[3] then
      if rec[3] == b then out[e] = '0' else out[e] = 'the step was taken by command ' .. rec[3] .. ', not ' .. b end
    elseif rec[1] == a and rec[2] == b then
      redis.call('HSET', saga, 'took:' .. a, b, 'expect', c, 'expectId', d)
      redis.call('EXPIRE', saga, ttl)
      out[e] = '1'
    else out[e] = 'the saga expects ' .. rec[1] .. ' ' .. tostring(rec[2]) .. ', not ' .. a .. ' ' .. b end
  end
end
return out
`;
