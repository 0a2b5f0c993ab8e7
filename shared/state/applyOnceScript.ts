/**
 * Atomic "apply unless already applied" for a whole batch, in one round trip, together with the next
 * expected offset of each topic partition the batch read (see offsetGaps.ts).
 *
 * KEYS: one next-offset key per partition (P = #KEYS). ARGV[1]: TTL in seconds (marks and offsets
 * alike); ARGV[2]: the scope, the prefix of every mark (a mark's key is the scope followed by the event
 * id); ARGV[3 .. 2+P]: each partition's next offset (decimal); ARGV[3+P]: the entries, as one
 * MessagePack array made by applyOncePayload.ts and decoded by cmsgpack.unpack: per entry its event id,
 * its content digest and its number of ops, then per op a header (a command's argument count plus one,
 * or 0 for a touch) followed by the command's arguments or the touch's key, field, value, at and
 * ttlField; a command whose name and key an earlier op wrote has minus that header, then the position
 * of the earlier op's name in the array, then its other arguments (each name and key is sent once).
 * Consecutive entries whose one op is a command of the same name, key and argument count are a run
 * instead: the run's length (a number where an entry's id is a string), the argument count, the name
 * and the key, then per entry its id, its digest and the command's other arguments. Every string is length-prefixed there: any byte may appear in an id, a digest or an
 * argument (NUL, separators, MessagePack's own type bytes), since nothing is ever looked for in the
 * text. A marker
 * holds the digest of the event it marks (`1` for marks made before digests, read as the same content:
 * they can only come from the same deployment's earlier applies).
 *
 * Arguments are what a batch costs to send: ioredis counts and writes each one, and Redis parses each
 * and makes it an object, then a Lua string, before the script starts. So the entries go as one
 * argument, which cmsgpack (one of the runtime libraries every Redis Lua script has, beside struct and
 * cjson: https://redis.io/docs/manual/programmability/lua-api/) turns into the same Lua strings in one
 * C call (a batch of 500 ZINCRBY records: the call 4.6 -> 3.6 ms, the time inside Redis the same; a
 * reader of length-prefixed fields with struct.unpack cost 0.3-0.5 ms more inside Redis than the
 * arguments it saved), and the marks' keys are made here from the scope and the ids, not sent.
 *
 * Returns { a flag per entry as one digit each, errors as "entry:message", denial }. Flags: 1 applied now, 0 already
 * marked with the same content, 2 marked with other content (nothing applied), 3 refused for lack of
 * permission (nothing applied, no mark), 4 not attempted because an earlier entry was refused (no
 * mark). The denial is "" or "entry:command:key" (entry 0: a partition's offset key).
 *
 * Per entry, one command checks and marks: `SET mark digest NX GET EX ttl` (Redis 7.0+ allows NX with
 * GET) answers the mark that was there, changing nothing, or nil after setting it; only then do the
 * entry's writes run. So a record costs its writes plus one command (before: a GET, a SET and an ACL
 * check of that SET). Why this stays exactly-once:
 * - a crash between apply and mark: they are one script, which Redis runs, persists (AOF) and
 *   replicates as a whole; mark-then-writes inside it is no window anyone can see;
 * - two overlapping deliveries of one batch: scripts run one at a time, so the second finds every
 *   mark the first set (flag 0, counted as duplicates);
 * - the same event twice in the log (a client's retry after a 503, the idempotent producer under a
 *   fault), at other offsets or on another partition: found by its mark, whatever the offsets say, so
 *   marks stay per event id; the offsets only spare a fresh batch the read of its marks before the
 *   handler (batchIdempotency's marksFirst), never decide what is applied;
 * - a mark evicted under allkeys-lru: as before, that event would be applied again if it came again
 *   (README, State guarantee); nothing here depends on more keys surviving than before;
 * - a replay into a new generation: its marks and offsets live under the new generation's prefix, so
 *   every event is applied once to the new keys;
 * - RabbitMQ-triggered steps have no partitions: no offsets are passed, the marks alone decide.
 *
 * Ops run with pcall: Redis scripts do not roll back, so one failing op (WRONGTYPE: a bad record) must
 * not abort the others of the batch; its error is reported so the record is dead-lettered, and it is
 * marked, since what it did apply must not be applied again.
 *
 * A permission refusal is not a bad record but a defect in the access rules (issue 12): the record is
 * fine and must be applied once the rules are fixed, exactly once. So before an entry runs anything,
 * every op of it (and its mark) is put to redis.acl_check_cmd (Redis 7.0+: the ACL engine's own
 * verdict for this script's user on these arguments, without running them). A refused entry is not
 * touched and not marked, and neither is any entry after it: applying later records of the partition
 * before an earlier one would reorder them (a session ended, then started again). Entries before it
 * are applied and marked, so the retry of the failed batch skips them as duplicates. An entry already
 * marked is skipped as before, whatever its writes' verdict (its writes would not run). The check and
 * the run happen inside one script, so the rules cannot change between them. Redis 7 is needed anyway:
 * the read-only key patterns of the function users (`%R~`) came with it.
 *
 * The checks cost Redis time per call, so they are kept few: the reads need none (a GET refused here
 * would abort the script before the entry ran anything); a single-key write's verdict depends only on
 * its command and key (no subcommands, no key elsewhere), so it is asked once per command and key in
 * the batch (500 ZINCRBY on 20 boards: 20 checks), and so is a touch's set of commands per key. The
 * marks' SET is asked once per batch, on the first mark: every mark is the scope followed by an id,
 * ids hold no ':' and no glob character (SAFE_ID_PATTERN), and a function's idem rule is the pattern
 * `<scope>*` (shared/security/redisAcl), so one mark's verdict is every mark's. A rule written by hand
 * that told ids apart would make a later mark's SET fail inside the script: that aborts the call after
 * entries that were each marked and applied together, so the state stays exactly-once and the batch
 * fails and comes again.
 *
 * Offsets are written only when nothing was refused (the batch fails and comes again), and only ever
 * forward, so an overlapping or older delivery cannot move a partition's expectation back.
 *
 * The marks, the touched keys and the ops' keys are not declared in KEYS: this needs Redis without cluster mode (or all keys
 * in one slot), which is how ElastiCache is configured for triplane.
 */
export const APPLY_ONCE_LUA = `
local ttl = ARGV[1]
local scope = ARGV[2]
local npartitions = #KEYS
-- The entries (applyOncePayload.ts): one MessagePack array, decoded in one call.
local A = cmsgpack.unpack(ARGV[3 + npartitions])
local last = #A
local TOUCH_OP = 0
local flags = {}
local errors = {}
local denial = ''
local function refused(...)
  local ok, allowed = pcall(redis.acl_check_cmd, ...)
  return ok and not allowed
end
local ONE_KEY = { DEL = true, EXPIRE = true, EXPIREAT = true, HDEL = true, HINCRBY = true, HSET = true, HSETNX = true, INCR = true, INCRBY = true, SET = true, ZADD = true, ZINCRBY = true, ZREM = true }
local verdicts = {}
-- A command of nargs arguments: name, key, then A[rest .. rest + nargs - 3] (with fewer than two
-- arguments, all of them sit at A[rest - 2 ..], as a full op holds them).
local function opRefused(name, key, rest, nargs)
  if nargs < 2 then return refused(unpack(A, rest - 2, rest - 3 + nargs)) end
  if not ONE_KEY[name] or (name == 'DEL' and nargs > 2) then return refused(name, key, unpack(A, rest, rest + nargs - 3)) end
  local byKey = verdicts[name]
  if byKey == nil then byKey = {}; verdicts[name] = byKey end
  local verdict = byKey[key]
  if verdict == nil then verdict = refused(name, key, unpack(A, rest, rest + nargs - 3)); byKey[key] = verdict end
  return verdict
end
local touches = {}
local function touchRefused(first)
  local key = A[first]
  local verdict = touches[key]
  if verdict == nil then
    verdict = refused('EXISTS', key) or refused('HSET', key, A[first + 1], A[first + 2]) or refused('HGET', key, A[first + 4]) or refused('EXPIREAT', key, '0')
    touches[key] = verdict
  end
  return verdict
end
for p = 1, npartitions do
  if denial == '' and refused('SET', KEYS[p], ARGV[2 + p], 'EX', ttl) then denial = '0:SET:' .. KEYS[p] end
end
-- Asked once, on the first mark: every mark is the scope followed by an id (see above).
local markRefused = nil
-- Settles entry e, whose mark is key, by its digest and the denial its writes would meet: a flag, and
-- the mark set when the entry is to run now (then true: its writes run next).
local function claim(e, key, digest, opDenial)
  if markRefused == nil then markRefused = refused('SET', key, digest, 'NX', 'GET', 'EX', ttl) end
  if denial ~= '' then
    flags[e] = '4'
    return false
  end
  if markRefused then
    denial = e .. ':SET:' .. key
    flags[e] = '3'
    return false
  end
  local mark
  if opDenial ~= '' then
    -- A refused write only matters for an entry about to run: a marked one is skipped as before.
    mark = redis.call('GET', key)
    if not mark then
      denial = opDenial
      flags[e] = '3'
      return false
    end
  else
    -- Check and mark in one command (SET NX GET, Redis 7.0+): the old value, or nil when the mark
    -- was absent and is now set. Set before the writes run, inside the same script, so no one sees
    -- one without the other.
    mark = redis.call('SET', key, digest, 'NX', 'GET', 'EX', ttl)
    if not mark then
      flags[e] = '1'
      return true
    end
  end
  if mark == digest or mark == '1' then flags[e] = '0' else flags[e] = '2' end
  return false
end
local pos = 1
local e = 0
while pos <= last do
  if type(A[pos]) == 'number' then
    -- A run (applyOncePayload): its length, then one command's argument count, name and key, then
    -- per entry its id, digest and the command's other arguments.
    local count = A[pos]; local nargs = A[pos + 1]; local name = A[pos + 2]; local opKey = A[pos + 3]
    local others = nargs - 2
    pos = pos + 4
    local r = 1
    -- While nothing is refused, a run of single-key writes needs no check per record: the marks' verdict
    -- is one for all (see above) and so is the write's, which depends on its command and key alone. So
    -- when both are allowed, each record is what claim() does for an allowed entry, written out: its
    -- mark (SET NX GET), then its write only if the mark was absent. Up to 0.14 ms less Redis time per
    -- batch of 500 ZINCRBY records than the general loop below (two Lua calls a record): p25 -0.01 to
    -- -0.14 ms over four runs in one process, as project-leaderboards' user, never more.
    if denial == '' and ONE_KEY[name] and not (name == 'DEL' and nargs > 2) then
      if markRefused == nil then markRefused = refused('SET', scope .. A[pos], A[pos + 1], 'NX', 'GET', 'EX', ttl) end
      if not markRefused and not opRefused(name, opKey, pos + 2, nargs) then
        for _ = 1, count do
          e = e + 1
          local digest = A[pos + 1]
          local rest = pos + 2
          local mark = redis.call('SET', scope .. A[pos], digest, 'NX', 'GET', 'EX', ttl)
          if not mark then
            flags[e] = '1'
            -- Two other arguments (ZINCRBY, HSET, HINCRBY: most projections' writes) are passed as they
            -- are: the unpack call cost 0.06-0.1 ms more per batch of 500 (p25 of Redis time, two runs).
            local ok
            if others == 2 then
              ok = redis.pcall(name, opKey, A[rest], A[rest + 1])
            else
              ok = redis.pcall(name, opKey, unpack(A, rest, rest + others - 1))
            end
            if type(ok) == 'table' and ok.err then errors[#errors + 1] = e .. ':' .. ok.err end
          elseif mark == digest or mark == '1' then
            flags[e] = '0'
          else
            flags[e] = '2'
          end
          pos = rest + others
        end
        r = count + 1
      end
    end
    -- Otherwise each record is settled alone (claim), its write checked first (opRefused keeps a
    -- single-key write's verdict by its command and key, so a run asks the ACL engine once).
    for _ = r, count do
      e = e + 1
      local rest = pos + 2
      local opDenial = ''
      if denial == '' and opRefused(name, opKey, rest, nargs) then opDenial = e .. ':' .. name .. ':' .. opKey end
      if claim(e, scope .. A[pos], A[pos + 1], opDenial) then
        local ok = redis.pcall(name, opKey, unpack(A, rest, rest + others - 1))
        if type(ok) == 'table' and ok.err then errors[#errors + 1] = e .. ':' .. ok.err end
      end
      pos = rest + others
    end
  else
    e = e + 1
    local key = scope .. A[pos]
    local digest = A[pos + 1]
    local nops = A[pos + 2]
    pos = pos + 3
    local start = pos
    -- One pass finds where the next entry starts and, while nothing was refused, checks each op.
    local opDenial = ''
    for o = 1, nops do
      local header = A[pos]
      if header == TOUCH_OP then
        if denial == '' and opDenial == '' and touchRefused(pos + 1) then opDenial = e .. ':HSET:' .. A[pos + 1] end
        pos = pos + 6
      else
        -- A command in full (header > 0), or one that repeats the name and key of an earlier op, whose
        -- arguments start at A[named] (header < 0, applyOncePayload), followed by its other arguments.
        local nargs, name, opKey, rest
        if header > 0 then
          nargs = header - 1; name = A[pos + 1]; opKey = A[pos + 2]; rest = pos + 3
        else
          local named = A[pos + 1]
          nargs = -header - 1; name = A[named]; opKey = A[named + 1]; rest = pos + 2
        end
        if denial == '' and opDenial == '' and opRefused(name, opKey, rest, nargs) then opDenial = e .. ':' .. (name or '') .. ':' .. (opKey or '') end
        pos = rest + nargs - 2
      end
    end
    if claim(e, key, digest, opDenial) then
      local at = start
      for o = 1, nops do
        local ok
        if A[at] == TOUCH_OP then
          local first = at + 1
          at = at + 6
          local touched = A[first]
          if redis.call('EXISTS', touched) == 1 then
            ok = redis.pcall('HSET', touched, A[first + 1], A[first + 2])
            if not (type(ok) == 'table' and ok.err) then
              local stored = tonumber(redis.call('HGET', touched, A[first + 4]))
              if stored then ok = redis.pcall('EXPIREAT', touched, tonumber(A[first + 3]) + stored) end
            end
          end
        elseif A[at] > 0 then
          local nargs = A[at] - 1; local first = at + 1
          at = first + nargs
          ok = redis.pcall(unpack(A, first, first + nargs - 1))
        else
          local nargs = -A[at] - 1; local named = A[at + 1]; local first = at + 2
          at = first + nargs - 2
          ok = redis.pcall(A[named], A[named + 1], unpack(A, first, at - 1))
        end
        if type(ok) == 'table' and ok.err then errors[#errors + 1] = e .. ':' .. ok.err end
      end
    end
  end
end
if denial == '' then
  for p = 1, npartitions do
    local key = KEYS[p]
    local value = ARGV[2 + p]
    local stored = redis.call('GET', key)
    if stored and tonumber(stored) and tonumber(stored) >= tonumber(value) then value = stored end
    redis.call('SET', key, value, 'EX', ttl)
  end
end
return { table.concat(flags), errors, denial }
`;
