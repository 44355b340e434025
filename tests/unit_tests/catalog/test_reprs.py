"""What users print: short reprs, no audit trail."""

from __future__ import annotations

from langchain_gradient import ModelCatalog
from langchain_gradient.catalog.models import Capabilities, Pricing


def test_model_info_repr_is_short_and_leaves_out_sources() -> None:
    info = ModelCatalog.load()["llama3.3-70b-instruct"]
    assert info.sources  # the audit trail is there...
    text = repr(info)
    assert "sources" not in text and "FigureSource" not in text  # ...but not printed
    assert text.startswith("ModelInfo(id='llama3.3-70b-instruct', kind='chat'")
    assert "Pricing(input_per_1m=0.65, output_per_1m=0.65)" in text
    assert len(text) < 400


def test_defaults_are_left_out() -> None:
    assert repr(Pricing()) == "Pricing()"
    assert repr(Capabilities(tools=True)) == "Capabilities(tools)"
