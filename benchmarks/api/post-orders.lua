-- wrk script for bin/bench-api: POST /orders with a fresh Idempotency-Key on every request.
-- Arguments: the pause before each request (ms), a bearer token ("" for none), and "address" to
-- send a shipping address (its personal fields are encrypted by the service).
local thread_id = 0
local threads = {}

function setup(thread)
  thread_id = thread_id + 1
  thread:set("id", thread_id)
  table.insert(threads, thread)
end

function init(args)
  -- A fixed offered rate, so that two builds are compared at the same rate and group size.
  pause_ms = tonumber(args[1] or "0")
  headers = {["Content-Type"] = "application/json"}
  if args[2] and args[2] ~= "" then
    headers["Authorization"] = "Bearer " .. args[2]
  end
  address = ""
  if args[3] == "address" then
    address = ',"shippingAddress":{"street":"1 Bench Street","city":"Utrecht",'
      .. '"postalCode":"3511 AA","country":"NL"}'
  end
  created = 0
  sequence = 0
  prefix = string.format("%d-%d-%d", os.time(), id, math.random(1000000000))
end

function request()
  sequence = sequence + 1
  headers["Idempotency-Key"] = prefix .. "-" .. sequence
  local body = '{"customerId":"bench","items":[{"productId":"sku-1","quantity":1,"price":9.99}]'
    .. address .. '}'
  return wrk.format("POST", "/orders", headers, body)
end

function delay()
  return pause_ms
end

function response(status)
  if status == 201 then
    created = created + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("created")
  end
  io.write(string.format("created=%d\n", total))
  io.write(string.format("p50_ms=%.2f p99_ms=%.2f\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
