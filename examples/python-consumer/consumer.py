"""An order-event consumer in Python: what a team outside Java writes on its first day.

Binds a queue of its own to a namespace's orders exchange, validates each event against the
contract's JSON Schemas, prints it, and acknowledges it; an invalid event is printed with the
reason and rejected (this queue has no dead-letter exchange, so the broker drops it).

    python3 consumer.py [--uri URI] [--namespace NS] [--queue NAME] [--bind KEY]... [--json]

One line per event on stdout; the start, the stop and a count on stderr. SIGTERM or Ctrl-C stops
it: unacknowledged deliveries go back to the queue, and it exits 0.
"""

import argparse
import json
import os
import signal
import sys
from pathlib import Path

import pika

import orderflow_contract

DEFAULT_URI = "amqp://guest:guest@localhost:5672/%2F"
DEFAULT_SCHEMAS = Path(__file__).resolve().parents[2] / "shared/src/main/resources/orderflow/schemas"


class Stop(Exception):
    """Raised by the signal handler to leave the consuming loop."""


def options(argv):
    parser = argparse.ArgumentParser(description="Validates and prints every order event.")
    parser.add_argument("--uri", default=os.environ.get("RABBITMQ_URI", DEFAULT_URI),
                        help="AMQP URI (env RABBITMQ_URI; default %(default)s)")
    parser.add_argument("--namespace", default=os.environ.get("ORDERS_NAMESPACE", ""),
                        help="prefix of the exchange and queue names (env ORDERS_NAMESPACE)")
    parser.add_argument("--queue", default="python-consumer",
                        help="this consumer's queue, prefixed by the namespace (default %(default)s)")
    parser.add_argument("--bind", action="append", metavar="KEY",
                        help="routing key to bind, repeatable (default '#': every event)")
    parser.add_argument("--schemas", default=str(DEFAULT_SCHEMAS),
                        help="folder of the *.schema.json files (default: the repository's)")
    parser.add_argument("--prefetch", type=int, default=50, help="unacknowledged deliveries at most")
    parser.add_argument("--json", action="store_true", help="print each event as one JSON object")
    return parser.parse_args(argv)


def named(namespace, name):
    return f"{namespace}.{name}" if namespace else name


def report(message, body, routing_key, errors):
    """What is printed for one event: a JSON object with --json, else one line of text."""
    fields = message if isinstance(message, dict) else {}
    metadata = fields.get("metadata") if isinstance(fields.get("metadata"), dict) else {}
    return {
        "valid": not errors,
        "eventType": fields.get("eventType", fields.get("type")),
        "version": metadata.get("version", "1" if "type" in fields else None),
        "eventId": fields.get("eventId"),
        "correlationId": metadata.get("correlationId"),
        "routingKey": routing_key,
        "errors": errors,
        "body": body.decode("utf-8", errors="replace"),
    }


def text(line):
    head = "valid  " if line["valid"] else "INVALID"
    what = f"{line['eventType']} v{line['version']} order {line['correlationId']} event {line['eventId']}"
    return f"{head} {what}" + ("" if line["valid"] else f": {'; '.join(line['errors'])}")


def fail(reason):
    print(f"python-consumer: {reason}", file=sys.stderr, flush=True)
    return 1


def main(argv):
    args = options(argv)
    contract = orderflow_contract.Contract(args.schemas)
    exchange = named(args.namespace, "orders")
    queue = named(args.namespace, args.queue)
    counts = {"valid": 0, "invalid": 0}

    def on_event(channel, deliver, _properties, body):
        try:
            message = orderflow_contract.parse(body)
            errors = contract.errors(message, contract.schema_for(message))
        except ValueError as e:
            message, errors = None, [f"not JSON: {e}"]
        line = report(message, body, deliver.routing_key, errors)
        print(json.dumps(line) if args.json else text(line), flush=True)
        if errors:
            counts["invalid"] += 1
            channel.basic_reject(deliver.delivery_tag, requeue=False)
        else:
            counts["valid"] += 1
            channel.basic_ack(deliver.delivery_tag)

    def stop(_signum, _frame):
        raise Stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    parameters = pika.URLParameters(args.uri)
    try:
        connection = pika.BlockingConnection(parameters)
    except pika.exceptions.AMQPConnectionError as e:
        return fail(f"cannot connect to {parameters.host}:{parameters.port}: {e!r}")
    try:
        channel = connection.channel()
        # The services own the exchange: check that it is there rather than declare it.
        channel.exchange_declare(exchange, passive=True)
        channel.queue_declare(queue, durable=True, arguments={"x-queue-type": "quorum"})
        for key in args.bind or ["#"]:
            channel.queue_bind(queue, exchange, routing_key=key)
        channel.basic_qos(prefetch_count=args.prefetch)
        channel.basic_consume(queue, on_event, auto_ack=False)
        print(f"python-consumer: consuming {queue}, bound to {exchange}", file=sys.stderr, flush=True)
        channel.start_consuming()
    except Stop:
        pass
    except pika.exceptions.ChannelClosedByBroker as e:
        return fail(f"{e.reply_text} (is the topology declared? bin/producer topology declare)")
    except pika.exceptions.AMQPError as e:
        return fail(f"lost the broker: {e!r}")
    finally:
        if connection.is_open:
            connection.close()
        print(f"python-consumer: {counts['valid']} valid, {counts['invalid']} invalid events",
              file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
