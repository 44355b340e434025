"""Embeddings, side by side: GradientEmbeddings vs the raw ``openai`` SDK, two ways.

Clients, each embedding the same texts in the same batches of ``BATCH`` (GradientEmbeddings'
default ``chunk_size``), one request after another, vectors collected as lists of floats:

* ``gradient``: ``GradientEmbeddings.embed_documents`` (asks for base64, decodes with the
  standard library);
* ``sdk_default``: ``OpenAI().embeddings.create(model=..., input=batch)``, the SDK's
  default path (it asks for base64 and decodes it, with numpy when numpy is installed);
* ``sdk_float``: the same with ``encoding_format="float"`` (what GradientEmbeddings sent
  before; one pydantic value per float).

At 1,000 and 10,000 texts, in ``ROUNDS`` interleaved rounds (each round runs every
client once, in a rotated order), wall time and this process's CPU time
(``time.process_time``) per call. A ratio is the median over rounds of the per-round ratio
to ``sdk_default``, with its lowest and highest. Target: ``gradient`` <= 1.0x
``sdk_default`` at both sizes, wall and CPU.

The 10,000 texts are the 1,000 distinct texts ten times over; the emulator (in its own
process) caches each text's vector, so its share of the wall time is small and the same
for every client.

Run: ``python -m bench embeddings`` (``EMBED_BENCH_ROUNDS=5`` for more rounds); writes
bench/results/embeddings.json.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from bench._harness import KEY, Checks, Emulator, interleave, median, ratio_spread, write_results

MODEL = "qwen3-embedding-0.6b"
BATCH = 256
SIZES = (1_000, 10_000)
ROUNDS = int(os.environ.get("EMBED_BENCH_ROUNDS", "3"))
ROUNDS_1K = max(ROUNDS, 7)  # 1,000 texts take ~0.1 s a call: more rounds, same cost
REFERENCE = "sdk_default"
TARGET = 1.0
DISTINCT = [
    f"Document {i}: notes on {topic} from {city}, volume {i % 13}."
    for i, (topic, city) in enumerate(
        (topic, city)
        for topic in ("cats", "bread", "markets", "rivers", "engines")
        for city in [f"city {n}" for n in range(200)]
    )
]


def clients(base_url: str) -> dict[str, Callable[[list[str]], list[list[float]]]]:
    """Per client: embed ``texts`` in batches of ``BATCH``, returning the vectors."""
    from openai import OpenAI

    from langchain_gradient import GradientEmbeddings

    sdk = OpenAI(base_url=base_url, api_key=KEY)
    gradient = GradientEmbeddings(model=MODEL, base_url=base_url, api_key=KEY, chunk_size=BATCH)

    def sdk_client(**options: Any) -> Callable[[list[str]], list[list[float]]]:
        def embed(texts: list[str]) -> list[list[float]]:
            vectors: list[list[float]] = []
            for start in range(0, len(texts), BATCH):
                response = sdk.embeddings.create(
                    model=MODEL, input=texts[start : start + BATCH], **options
                )
                vectors.extend(item.embedding for item in response.data)
            return vectors

        return embed

    return {
        "gradient": gradient.embed_documents,
        "sdk_default": sdk_client(),
        "sdk_float": sdk_client(encoding_format="float"),
    }


def timed(embed: Callable[[list[str]], list[list[float]]], texts: list[str]) -> Callable[[], Any]:
    def sample() -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        vectors = embed(texts)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        assert len(vectors) == len(texts) and all(type(x) is float for x in vectors[-1])
        return wall, cpu

    return sample


def measure(base_url: str, size: int) -> dict[str, Any]:
    """One size: per client, wall and CPU seconds per call with ratios to the reference."""
    texts = (DISTINCT * (size // len(DISTINCT) + 1))[:size]
    embedders = clients(base_url)
    for embed in embedders.values():  # warm up: connections, imports, the emulator's cache
        embed(texts[:BATCH])
    rounds = ROUNDS_1K if size <= 1_000 else ROUNDS
    samples = interleave({name: timed(embed, texts) for name, embed in embedders.items()}, rounds)
    wall = {name: [rnd[0][0] for rnd in rounds] for name, rounds in samples.items()}
    cpu = {name: [rnd[0][1] for rnd in rounds] for name, rounds in samples.items()}
    return {
        "texts": size,
        "requests_per_call": -(-size // BATCH),
        "rounds": rounds,
        "clients": {
            name: {
                "wall_s": round(median(wall[name]), 4),
                "cpu_s": round(median(cpu[name]), 4),
                "wall_ratio": ratio_spread(wall, name, REFERENCE),
                "cpu_ratio": ratio_spread(cpu, name, REFERENCE),
                "wall_s_rounds": [round(v, 4) for v in wall[name]],
                "cpu_s_rounds": [round(v, 4) for v in cpu[name]],
            }
            for name in embedders
        },
    }


def same_vectors(base_url: str) -> float:
    """Largest difference between GradientEmbeddings' vectors and the float encoding's."""
    embedders = clients(base_url)
    ours, floats = embedders["gradient"](DISTINCT[:64]), embedders["sdk_float"](DISTINCT[:64])
    return max(
        abs(a - b) for va, vb in zip(ours, floats, strict=True) for a, b in zip(va, vb, strict=True)
    )


def main() -> dict[str, Any]:
    started = time.perf_counter()
    checks = Checks("embeddings")
    result: dict[str, Any] = {
        "clients": {
            "gradient": "GradientEmbeddings.embed_documents (base64, stdlib decode)",
            "sdk_default": "openai.OpenAI().embeddings.create(model, input) (SDK default)",
            "sdk_float": "openai.OpenAI().embeddings.create(..., encoding_format='float')",
        },
        "reference": REFERENCE,
        "settings": {"model": MODEL, "batch": BATCH, "sizes": list(SIZES)},
        "target": f"gradient <= {TARGET}x {REFERENCE}, wall and CPU, at every size",
        "sizes": {},
    }
    with Emulator() as emulator:
        result["max_abs_difference_to_float"] = same_vectors(emulator.base_url)
        for size in SIZES:
            figures = result["sizes"][str(size)] = measure(emulator.base_url, size)
            ours = figures["clients"]["gradient"]
            checks.at_most(f"wall@{size}", ours["wall_ratio"]["median"], TARGET)
            checks.at_most(f"cpu@{size}", ours["cpu_ratio"]["median"], TARGET)
            print(
                f"{size} texts ({figures['requests_per_call']} requests/call, "
                f"{figures['rounds']} rounds)"
            )
            for name, row in figures["clients"].items():
                w, c = row["wall_ratio"], row["cpu_ratio"]
                print(
                    f"  {name:12} wall {row['wall_s']:7.3f} s  x{w['median']:.3f} "
                    f"[{w['min']:.3f}-{w['max']:.3f}]   cpu {row['cpu_s']:7.3f} s  "
                    f"x{c['median']:.3f} [{c['min']:.3f}-{c['max']:.3f}]"
                )
    result.update(checks.result())
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    checks.report()
    path = write_results("embeddings", result)
    print(f"wall time {result['wall_seconds']} s; wrote {path}")
    return result


if __name__ == "__main__":
    main()
