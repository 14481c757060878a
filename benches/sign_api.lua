-- Signs through the JSON API with a fresh address on every request.
-- Arguments: an address prefix, unique within the run.
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function init(args)
  prefix = args[1] or "api"
  counter = 0
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"name":"Jane Doe","email":"%s-%d-%d@example.org","country":"DE",' ..
    '"postcode":"10115","comment":"Bees matter.","public":true}',
    prefix, thread_id, counter)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
