"""POST /orders, then time until its OrderCreated reaches a queue bound to the orders exchange.

Usage: python3 benchmarks/api/post_latency.py NAMESPACE HTTP_PORT COUNT, against a running
`bin/producer serve --namespace NAMESPACE --http-port HTTP_PORT` (pika: Debian's python3-pika).
"""
import json, sys, time, urllib.request, pika, uuid
ns, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
conn = pika.BlockingConnection(pika.URLParameters("amqp://guest:guest@127.0.0.1:5672/%2F"))
ch = conn.channel()
q = ch.queue_declare(queue="", exclusive=True).method.queue
ch.queue_bind(q, f"{ns}.orders", "order.created")
lat = []
for i in range(n):
    body = json.dumps({"customerId": "lat", "items": [{"productId": "sku-1", "quantity": 1, "price": 9.99}]}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}/orders", data=body, headers={"Content-Type": "application/json"})
    t0 = time.monotonic()
    with urllib.request.urlopen(req) as r:
        order_id = json.loads(r.read())["orderId"]
    t1 = time.monotonic()
    while True:
        m, p, b = ch.basic_get(q, auto_ack=True)
        if m and json.loads(b)["payload"]["orderId"] == order_id:
            break
        if not m:
            time.sleep(0.001)
    lat.append((time.monotonic() - t1) * 1000)
lat.sort()
print(f"after 201, published within: p50 {lat[len(lat)//2]:.1f} ms, max {lat[-1]:.1f} ms over {n}")
conn.close()
