"""``python -m langchain_gradient.emulator --port 0``: serve until Ctrl-C, print the base URL.

Example:
    $ python -m langchain_gradient.emulator --port 8080 --quirks
    http://127.0.0.1:8080/v1
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m langchain_gradient.emulator",
        description="Run the local Gradient serverless-inference emulator.",
    )
    parser.add_argument("--port", type=int, default=0, help="TCP port (0: pick a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="interface (default loopback)")
    parser.add_argument("--key", action="append", help="accepted access key (repeatable)")
    parser.add_argument("--quirks", action="store_true", help="empty id/role like the docs")
    parser.add_argument("--error-format", choices=("gradient", "openai"), default="gradient")
    parser.add_argument(
        "--responses-stream",
        choices=("events", "chunk"),
        default="chunk",
        help="Responses streaming format",
    )
    parser.add_argument("--clock-speed", type=float, default=1.0, help="job clock multiplier")
    parser.add_argument(
        "--stream-delay", type=float, default=0.0, help="seconds between streamed events"
    )
    parser.add_argument(
        "--log", action="store_true", help="one line per request on stderr (never the key)"
    )
    parser.add_argument(
        "--knowledge-base",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="serve a knowledge base built from a folder of .txt/.md files (repeatable)",
    )
    args = parser.parse_args(argv)

    from langchain_gradient.emulator.keys import KeyPolicy
    from langchain_gradient.emulator.runtime import DEFAULT_API_KEY, serve

    keys = {key: KeyPolicy() for key in args.key} if args.key else None
    from langchain_gradient.emulator.knowledge_bases import parse_knowledge_base_option

    try:
        knowledge_bases = dict(parse_knowledge_base_option(v) for v in args.knowledge_base)
    except ValueError as error:
        parser.error(str(error))

    def announce(base_url: str) -> None:
        sys.stdout.write(base_url + "\n")
        sys.stdout.flush()
        accepted = ", ".join(args.key) if args.key else DEFAULT_API_KEY
        sys.stderr.write(f"Gradient emulator: keys {accepted}; Ctrl-C stops it.\n")

    serve(
        args.port,
        args.host,
        keys=keys,
        announce=announce,
        quirks=args.quirks,
        error_format=args.error_format,
        responses_stream_format=args.responses_stream,
        clock_speed=args.clock_speed,
        knowledge_bases=knowledge_bases,
        stream_event_delay=max(0.0, args.stream_delay),
        on_request=_print_request if args.log else None,
    )
    return 0


def _print_request(record: object, seconds: float) -> None:
    from langchain_gradient.emulator.request_log import RequestRecord, log_line

    if isinstance(record, RequestRecord):
        sys.stderr.write(log_line(record, seconds) + "\n")
        sys.stderr.flush()


if __name__ == "__main__":
    raise SystemExit(main())
