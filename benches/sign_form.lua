-- Submits the petition page's sign form with a fresh address on every
-- request. Arguments: an address prefix, unique within the run, and a
-- csrf_token taken from the page (stateless, so every request may reuse it).
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function init(args)
  prefix = args[1] or "form"
  token = args[2]
  counter = 0
end

function request()
  counter = counter + 1
  local body = string.format(
    "name=Jane+Doe&email=%s-%d-%d%%40example.org&country=DE&postcode=10115" ..
    "&comment=Bees+matter.&public=on&csrf_token=%s",
    prefix, thread_id, counter, token)
  return wrk.format("POST", nil,
    {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
