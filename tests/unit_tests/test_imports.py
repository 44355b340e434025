"""The public surface is pinned, and importing the package stays cheap (no openai)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import langchain_gradient

EXPECTED_ALL = [
    "BudgetExceededError",
    "Capabilities",
    "ChatGradient",
    "CostEstimate",
    "DifficultyTriage",
    "FalJob",
    "FalJobClient",
    "FalJobError",
    "FalJobFailedError",
    "FalJobPollingError",
    "FalJobTimeoutError",
    "FalPollPolicy",
    "GradientAPIError",
    "GradientAuthenticationError",
    "GradientBadRequestError",
    "GradientConnectionError",
    "GradientContextOverflowError",
    "GradientCostCallbackHandler",
    "GradientEmbeddings",
    "GradientError",
    "GradientFalTool",
    "GradientImageTool",
    "GradientNotFoundError",
    "GradientPermissionDeniedError",
    "GradientRateLimitError",
    "GradientResponses",
    "GradientRouter",
    "GradientServerError",
    "GradientStreamError",
    "GradientTimeoutError",
    "JudgeCheck",
    "MediaDownloadError",
    "MissingAPIKeyError",
    "ModelCatalog",
    "ModelInfo",
    "Pricing",
    "PricingPageError",
    "Requirements",
    "RunBudget",
    "SelectionDecision",
    "StaleCatalogWarning",
    "StaleFiguresWarning",
    "UnknownCostWarning",
    "estimate_cost",
    "get_gradient_callback",
    "model_profile",
    "report_media_usage",
    "select_model",
    "KeyInWrongPlaceError",
    "GradientMalformedResponseError",
    "RouterPreset",
    "load_router_presets",
    "LadderViability",
    "ladder_viability",
    "FilterCondition",
    "KnowledgeBaseFilters",
    "GradientKnowledgeBaseRetriever",
    "ChatGradientAgent",
    "GradientGuardrailError",
    "GradientBatchClient",
    "GradientBatchError",
    "GradientBatchItemError",
    "GradientBatchJob",
    "GradientBatchTimeoutError",
    "asubmit_batch",
    "submit_batch",
    "observe_rate_limits",
    "TokenCounting",
]


def test_all_is_pinned() -> None:
    assert sorted(langchain_gradient.__all__) == sorted(EXPECTED_ALL)
    assert len(set(langchain_gradient.__all__)) == len(langchain_gradient.__all__)


def test_every_public_name_resolves() -> None:
    for name in langchain_gradient.__all__:
        assert getattr(langchain_gradient, name).__name__ == name


def _modules_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint('\\n'.join(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return set(out.split())


def test_import_does_not_import_heavy_dependencies() -> None:
    loaded = _modules_after("import langchain_gradient")
    for heavy in ("openai", "httpx2", "aiohttp", "click", "rich"):
        assert heavy not in loaded, f"import langchain_gradient imported {heavy}"


def test_importing_chat_gradient_does_not_import_openai() -> None:
    loaded = _modules_after("from langchain_gradient import ChatGradient")
    assert "langchain_gradient.chat_models" in loaded
    assert "openai" not in loaded


def _own_docstring(obj: object) -> str:
    # A class's own docstring, not one inherited from a base (e.g. Exception's).
    doc = obj.__dict__.get("__doc__") if isinstance(obj, type) else obj.__doc__
    return doc or ""


def test_every_public_name_has_a_docstring_with_an_example() -> None:
    missing = [
        name
        for name in langchain_gradient.__all__
        if not any(
            marker in _own_docstring(getattr(langchain_gradient, name))
            for marker in ("Example", ">>>")
        )
    ]
    assert missing == [], f"public names without a docstring example: {missing}"


def test_ray_helpers_name_their_extra_when_ray_is_missing(monkeypatch: Any) -> None:
    import pytest

    from langchain_gradient import ray as gradient_ray

    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(ImportError, match=r"pip install 'langchain-gradient\[ray\]'"):
        gradient_ray.RateBudget(requests_per_minute=60)
    assert set(gradient_ray.__all__) >= {"RateBudget", "embed_dataset", "chat_dataset"}
