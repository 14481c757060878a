-- Signs through the JSON API with a fresh address on every request.
-- Arguments: an address prefix, unique within the run, and optionally how
-- many signatures each wrk thread sends before it stops.
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function init(args)
  prefix = args[1] or "api"
  limit = tonumber(args[2])
  counter = 0
  answered = 0
end

function response(status, headers, body)
  answered = answered + 1
  if limit and answered >= limit then
    -- Stops this thread's requests; wrk still waits out its duration.
    wrk.thread:stop()
  end
end

function request()
  counter = counter + 1
  if limit and counter > limit then
    -- Past the limit, connections still in flight fetch robots.txt, which
    -- signs nothing, until the thread stops.
    return wrk.format("GET", "/robots.txt")
  end
  local body = string.format(
    '{"name":"Jane Doe","email":"%s-%d-%d@example.org","country":"DE",' ..
    '"postcode":"10115","comment":"Bees matter.","public":true}',
    prefix, thread_id, counter)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
