-- bench/comment.lua: a wrk script that posts comments to Broadside, as bench/run.sh uses it.
--
--   BENCH_POST_ID=1 BENCH_TS=<ts from the form> BENCH_ACKED_DIR=/tmp/dir \
--     wrk -t2 -c64 -d10s -s bench/comment.lua http://127.0.0.1:PORT/comments
--
-- Every request is a new reader: a unique name, email and body (thread id + counter +
-- random), and its own X-Forwarded-For address 10.a.b.c, so neither the duplicate check nor
-- the per-IP rate limit refuses it. The server must trust 127.0.0.1 as a proxy
-- (--trusted-proxies 127.0.0.1/32) for that header to count; the addresses only ever travel
-- inside HTTP headers on loopback. The hidden fields (comment_post_ID, ts) come from the
-- post page, fetched once by run.sh more than the minimum submit time before this runs.
--
-- Each thread writes the comment id named by every 303's Location (…#comment-ID) to
-- BENCH_ACKED_DIR/acked-N.txt, so run.sh can check each acknowledged comment is in the
-- database after the server stops. done() prints the statuses seen.

local threads = {}
local next_id = 1

function setup(thread)
   thread:set("id", next_id)
   next_id = next_id + 1
   table.insert(threads, thread)
end

local function urlencode(s)
   return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local post_id, ts, acked, counter
local headers = {
   ["Content-Type"] = "application/x-www-form-urlencoded",
   ["Sec-Fetch-Site"] = "same-origin",
}

function init(args)
   post_id = os.getenv("BENCH_POST_ID") or error("BENCH_POST_ID is not set")
   ts = os.getenv("BENCH_TS") or error("BENCH_TS is not set")
   local dir = os.getenv("BENCH_ACKED_DIR") or error("BENCH_ACKED_DIR is not set")
   acked = assert(io.open(dir .. "/acked-" .. id .. ".txt", "w"))
   acked:setvbuf("line") -- wrk never closes a thread's state: write each id through
   math.randomseed(os.time() * 100 + id)
   counter = 0
   -- Counters read by done(); scalars, which wrk copies between Lua states.
   s303, s2xx, s3xx, s4xx, s429, s5xx, noid = 0, 0, 0, 0, 0, 0, 0
end

function request()
   counter = counter + 1
   -- 2 bits of thread id, 22 bits of counter: a distinct address for 4 million requests per thread.
   local n = ((id - 1) % 4) * 4194304 + counter % 4194304
   local ip = string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
   local who = "t" .. id .. "n" .. counter
   local body = "comment_post_ID=" .. post_id ..
      "&comment_parent=0" ..
      "&ts=" .. urlencode(ts) ..
      "&author=" .. urlencode("Load Reader " .. who) ..
      "&email=" .. urlencode("reader-" .. who .. "@example.org") ..
      "&comment=" .. urlencode("Load test comment " .. who .. " r" .. math.random(1, 1000000000) ..
         ": I read the whole thread and I still think the council has the budget figures wrong.")
   headers["X-Forwarded-For"] = ip
   return wrk.format("POST", nil, headers, body)
end

function response(status, hdrs, body)
   if status == 303 then
      s303 = s303 + 1
      local loc = hdrs["Location"] or hdrs["location"] or ""
      local cid = loc:match("#comment%-(%d+)$")
      if cid then
         acked:write(cid, "\n")
      else
         noid = noid + 1 -- a 303 to "#comments" means the comment was filed as spam
      end
   elseif status == 429 then
      s429 = s429 + 1
   elseif status >= 500 then
      s5xx = s5xx + 1
   elseif status >= 400 then
      s4xx = s4xx + 1
   elseif status >= 300 then
      s3xx = s3xx + 1
   else
      s2xx = s2xx + 1
   end
end

function done(summary, latency, requests)
   local t = { s303 = 0, noid = 0, s2xx = 0, s3xx = 0, s4xx = 0, s429 = 0, s5xx = 0 }
   for _, thread in ipairs(threads) do
      for k in pairs(t) do
         t[k] = t[k] + (thread:get(k) or 0)
      end
   end
   io.write(string.format("comment-statuses: acknowledged_303=%d acknowledged_without_id=%d other_2xx=%d other_3xx=%d 4xx=%d 429=%d 5xx=%d socket_errors=%d timeouts=%d\n",
      t.s303, t.noid, t.s2xx, t.s3xx, t.s4xx, t.s429, t.s5xx,
      summary.errors.connect + summary.errors.read + summary.errors.write, summary.errors.timeout))
end
