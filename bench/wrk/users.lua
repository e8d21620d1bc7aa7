-- wrk script: every request is made as the next of many signed-in learners.
-- Usage: wrk ... -s users.lua -- USERS_FILE MODE PATH [ANSWERS]
--   USERS_FILE: one learner per line, "cookie<TAB>csrf_token"; "-" for nobody signed in
--   MODE: get | done | quiz      PATH: the page (get) or the lesson the form belongs to
--   ANSWERS: quiz mode only, the form fields of an answer to every question
-- done() prints one line of JSON for bench/load.py.

local threads = {}
local counter = 1

function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end

function init(args)
  mode = args[2]
  path = args[3]
  quiz_answers = args[4] or "" -- quiz mode: form fields answering every question
  counter = offset * 7919 -- threads start at different learners
  math.randomseed(offset + 1)
  users = {}
  if args[1] ~= "-" then -- "-": nobody signed in (nginx, the bare route)
    for line in io.lines(args[1]) do
      local cookie, token = line:match("^([^\t]+)\t([^\t]+)$")
      if cookie then table.insert(users, {cookie = cookie, token = token}) end
    end
  end
end

local hex = "0123456789abcdef"

local function submission_id()
  local out = {}
  for i = 1, 32 do
    local n = math.random(1, 16)
    out[i] = hex:sub(n, n)
  end
  return table.concat(out)
end

function request()
  if #users == 0 then return wrk.format("GET", path) end
  counter = counter + 1
  local user = users[(counter % #users) + 1]
  local headers = {
    ["Cookie"] = user.cookie,
    ["Accept-Language"] = "de",
  }
  if mode == "get" then
    return wrk.format("GET", path, headers)
  end
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  headers["Referer"] = "http://127.0.0.1" .. path
  local body = "csrf_token=" .. user.token
  local target = path .. "/done"
  if mode == "quiz" then
    target = path .. "/check"
    body = body .. "&submission=" .. submission_id() .. "&" .. quiz_answers
  end
  return wrk.format("POST", target, headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "p999": %d, "mean": %.1f, "max": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.mean, latency.max))
end
