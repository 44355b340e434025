"""Recipe: embed a folder of documents through Ray Data into a vector store.

A local Ray cluster (2 CPUs) reads a folder of text files, embeds them with
``langchain_gradient.ray.embed_dataset`` inside one shared ``RateBudget``, and the
vectors go into langchain-core's ``InMemoryVectorStore``; a query then finds the right
file. The key reaches the workers through Ray's ``runtime_env``, never by pickling.
Run: ``python docs/examples/ray_vector_store.py`` (needs ``langchain-gradient[ray]``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import ray
from _backend import use_gradient_or_emulator
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.vectorstores import InMemoryVectorStore

from langchain_gradient import GradientEmbeddings
from langchain_gradient.ray import RateBudget, embed_dataset

FILES = {
    "returns.txt": "Return any unused product within 30 days of delivery for a full refund.",
    "shipping.txt": "Standard shipping takes 3 to 5 business days; express is next day.",
    "warranty.txt": "Every device has a two-year warranty against manufacturing defects.",
    "payments.txt": "We accept credit cards, PayPal and bank transfers; invoices are PDFs.",
}


class Precomputed(Embeddings):
    """Hands the store the vectors Ray computed; queries are embedded live."""

    def __init__(self, vectors: dict[str, list[float]], queries: Embeddings) -> None:
        self.vectors, self.queries = vectors, queries

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self.vectors[text] for text in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.queries.embed_query(text)


def main() -> None:
    use_gradient_or_emulator()
    folder = Path(tempfile.mkdtemp())
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")

    # The workers read the key (and endpoint) from their environment: pass it here.
    env = {
        name: os.environ[name]
        for name in ("MODEL_ACCESS_KEY", "INFERENCE_ENDPOINT")
        if name in os.environ
    }
    ray.init(
        num_cpus=2, include_dashboard=False, runtime_env={"env_vars": env}, log_to_driver=False
    )
    try:
        rows = [
            {"source": p.name, "text": p.read_text(encoding="utf-8")}
            for p in sorted(folder.glob("*.txt"))
        ]
        embeddings = GradientEmbeddings()
        budget = RateBudget(requests_per_minute=600)
        out = embed_dataset(ray.data.from_items(rows), embeddings, budget=budget).take_all()
    finally:
        ray.shutdown()

    failed = [row["source"] for row in out if row["error"] is not None]
    assert not failed, failed
    vectors = {row["text"]: list(row["embedding"]) for row in out}
    store = InMemoryVectorStore(Precomputed(vectors, embeddings))
    store.add_documents([Document(row["text"], metadata={"source": row["source"]}) for row in out])
    print(f"embedded {len(out)} files through Ray")
    best = store.similarity_search("How many days do I have to return a product?", k=1)[0]
    print(f"best match: {best.metadata['source']}")
    assert best.metadata["source"] == "returns.txt"
    print("OK the vector store found returns.txt")


if __name__ == "__main__":
    main()
