-- wrk script for bench.py: POST step 1 of the questionnaire (saves the draft), going
-- round the prepared sessions so that concurrent requests update different drafts.
--   wrk ... -s bench/step_post.lua http://127.0.0.1:PORT -- sessions.tsv "User-Agent"
-- sessions.tsv: one line per session, "<Cookie header value>\t<urlencoded form body>"
-- (the body carries that session's CSRF token).

local sessions = {}
local count = 0
local next_index = 0
local user_agent = "intake-bench"

function init(args)
  local path = args[1]
  user_agent = args[2] or user_agent
  for line in io.lines(path) do
    local cookie, body = line:match("^([^\t]+)\t(.+)$")
    if cookie then
      count = count + 1
      sessions[count] = { cookie = cookie, body = body }
    end
  end
  assert(count > 0, "no sessions in " .. tostring(path))
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16))
  next_index = math.random(count)
end

function request()
  next_index = next_index % count + 1
  local s = sessions[next_index]
  return wrk.format("POST", "/start/step/1", {
    ["Cookie"] = s.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["User-Agent"] = user_agent,
  }, s.body)
end
