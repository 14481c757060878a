-- Presses the confirmation button of a different signature on every
-- request: POST /signatures/confirm/{token}, with no body, as the page's
-- form does. Argument: a file of confirmation paths, one a line; thread i
-- of n takes lines i, i + n, i + 2n, ... When its share runs out, the
-- thread stops (wrk still waits out its duration), so nothing is counted
-- twice.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

function init(args)
  paths = {}
  local n = 0
  for line in io.lines(args[1]) do
    n = n + 1
    if (n - thread_id) % tonumber(args[2]) == 0 then
      table.insert(paths, line)
    end
  end
  next_path = 0
end

function request()
  next_path = next_path + 1
  local path = paths[next_path]
  if path == nil then
    wrk.thread:stop()
    return wrk.format("GET", "/robots.txt")
  end
  return wrk.format("POST", path, {["Content-Length"] = "0"})
end
