-- wrk script for bin/bench-api: POST /orders with a fresh Idempotency-Key on every request.
local thread_id = 0
local threads = {}

function setup(thread)
  thread_id = thread_id + 1
  thread:set("id", thread_id)
  table.insert(threads, thread)
end

function init(args)
  -- An optional pause before each request of a connection (ms): a fixed offered rate, so that two
  -- builds are compared at the same rate and their groups are of the same size.
  pause_ms = tonumber(args[1] or "0")
  created = 0
  sequence = 0
  prefix = string.format("%d-%d-%d", os.time(), id, math.random(1000000000))
end

function request()
  sequence = sequence + 1
  local body = '{"customerId":"bench","items":[{"productId":"sku-1","quantity":1,"price":9.99}]}'
  return wrk.format("POST", "/orders",
    {["Content-Type"] = "application/json", ["Idempotency-Key"] = prefix .. "-" .. sequence}, body)
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
