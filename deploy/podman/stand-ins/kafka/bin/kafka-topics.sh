#!/opt/tansu/bin/python
"""Stand-in for kafka-topics.sh: --create [--if-not-exists] --topic T --partitions N, and --list.

Through aiokafka's admin client: tansu's own CLI (static, musl) resolves compose service names
unreliably (it takes the first DNS answer, often the host's NXDOMAIN).
"""

import argparse
import asyncio
import sys

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

TOPIC_ALREADY_EXISTS = 36

parser = argparse.ArgumentParser()
parser.add_argument("--bootstrap-server", default="localhost:9092")
parser.add_argument("--create", action="store_true")
parser.add_argument("--list", action="store_true")
parser.add_argument("--if-not-exists", action="store_true")
parser.add_argument("--topic")
parser.add_argument("--partitions", type=int, default=1)
parser.add_argument("--replication-factor", type=int, default=1)
args = parser.parse_args()


async def main() -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=args.bootstrap_server, request_timeout_ms=10000)
    await admin.start()
    try:
        if args.list:
            print("\n".join(sorted(await admin.list_topics())))
            return 0
        if not (args.create and args.topic):
            print("stand-in kafka-topics.sh: only --list and --create --topic", file=sys.stderr)
            return 2
        topic = NewTopic(args.topic, args.partitions, args.replication_factor)
        answer = await admin.create_topics([topic])
        code = answer.topic_errors[0][1]
        if code == 0 or (code == TOPIC_ALREADY_EXISTS and args.if_not_exists):
            print(f"stand-in kafka-topics.sh: topic {args.topic} ready")
            return 0
        print(f"stand-in kafka-topics.sh: {args.topic}: error code {code}", file=sys.stderr)
        return 1
    finally:
        await admin.close()


sys.exit(asyncio.run(main()))
