"""LangChain integration for DigitalOcean Gradient serverless inference.

Example:
    >>> from langchain_gradient import ChatGradient
    >>> llm = ChatGradient(model="llama3.3-70b-instruct")  # key from MODEL_ACCESS_KEY
    >>> llm.invoke("Say hi").content  # doctest: +SKIP

Public names are imported lazily, so ``import langchain_gradient`` stays cheap and
does not import the ``openai`` SDK.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from langchain_gradient._lazy import lazy_exports

if TYPE_CHECKING:
    from langchain_gradient._errors import (
        GradientAPIError,
        GradientAuthenticationError,
        GradientBadRequestError,
        GradientConnectionError,
        GradientContextOverflowError,
        GradientError,
        GradientNotFoundError,
        GradientPermissionDeniedError,
        GradientRateLimitError,
        GradientServerError,
        GradientStreamError,
        GradientTimeoutError,
        MissingAPIKeyError,
    )
    from langchain_gradient._kb_filters import (
        FilterCondition,
        KnowledgeBaseFilters,
    )
    from langchain_gradient._ratelimit import observe_rate_limits
    from langchain_gradient._token_count import (
        TokenCounting,
    )
    from langchain_gradient.agents import (
        ChatGradientAgent,
        GradientGuardrailError,
    )
    from langchain_gradient.batch import (
        GradientBatchClient,
        GradientBatchError,
        GradientBatchItemError,
        GradientBatchJob,
        GradientBatchTimeoutError,
        asubmit_batch,
        submit_batch,
    )
    from langchain_gradient.callbacks import (
        GradientCostCallbackHandler,
        UnknownCostWarning,
        get_gradient_callback,
        report_media_usage,
    )
    from langchain_gradient.catalog.catalog import (
        ModelCatalog,
        StaleFiguresWarning,
    )
    from langchain_gradient.catalog.control_api import (
        RouterPreset,
        load_router_presets,
    )
    from langchain_gradient.catalog.models import (
        Capabilities,
        ModelInfo,
        Pricing,
    )
    from langchain_gradient.catalog.pricing import (
        CostEstimate,
        estimate_cost,
    )
    from langchain_gradient.catalog.pricing_page import (
        PricingPageError,
    )
    from langchain_gradient.catalog.profiles import (
        model_profile,
    )
    from langchain_gradient.chat_models import (
        ChatGradient,
    )
    from langchain_gradient.embeddings import (
        GradientEmbeddings,
    )
    from langchain_gradient.responses import (
        GradientResponses,
    )
    from langchain_gradient.retrievers import (
        GradientKnowledgeBaseRetriever,
    )
    from langchain_gradient.selection.budget import (
        BudgetExceededError,
        RunBudget,
    )
    from langchain_gradient.selection.checks import (
        JudgeCheck,
    )
    from langchain_gradient.selection.presets import (
        LadderViability,
        ladder_viability,
    )
    from langchain_gradient.selection.router import (
        GradientRouter,
    )
    from langchain_gradient.selection.selector import (
        Requirements,
        SelectionDecision,
        StaleCatalogWarning,
        select_model,
    )
    from langchain_gradient.selection.triage import (
        DifficultyTriage,
    )
    from langchain_gradient.tools._download import (
        MediaDownloadError,
    )
    from langchain_gradient.tools.fal import (
        GradientFalTool,
    )
    from langchain_gradient.tools.fal_jobs import (
        FalJob,
        FalJobClient,
        FalJobError,
        FalJobFailedError,
        FalJobPollingError,
        FalJobTimeoutError,
        FalPollPolicy,
    )
    from langchain_gradient.tools.images import (
        GradientImageTool,
    )

# name -> module that defines it
_EXPORTS: dict[str, str] = {
    "GradientAPIError": "langchain_gradient._errors",
    "GradientAuthenticationError": "langchain_gradient._errors",
    "GradientBadRequestError": "langchain_gradient._errors",
    "GradientConnectionError": "langchain_gradient._errors",
    "GradientContextOverflowError": "langchain_gradient._errors",
    "GradientError": "langchain_gradient._errors",
    "GradientNotFoundError": "langchain_gradient._errors",
    "GradientPermissionDeniedError": "langchain_gradient._errors",
    "GradientRateLimitError": "langchain_gradient._errors",
    "GradientServerError": "langchain_gradient._errors",
    "GradientStreamError": "langchain_gradient._errors",
    "GradientTimeoutError": "langchain_gradient._errors",
    "MissingAPIKeyError": "langchain_gradient._errors",
    "GradientCostCallbackHandler": "langchain_gradient.callbacks",
    "UnknownCostWarning": "langchain_gradient.callbacks",
    "get_gradient_callback": "langchain_gradient.callbacks",
    "report_media_usage": "langchain_gradient.callbacks",
    "ModelCatalog": "langchain_gradient.catalog.catalog",
    "StaleFiguresWarning": "langchain_gradient.catalog.catalog",
    "Capabilities": "langchain_gradient.catalog.models",
    "ModelInfo": "langchain_gradient.catalog.models",
    "Pricing": "langchain_gradient.catalog.models",
    "CostEstimate": "langchain_gradient.catalog.pricing",
    "estimate_cost": "langchain_gradient.catalog.pricing",
    "PricingPageError": "langchain_gradient.catalog.pricing_page",
    "model_profile": "langchain_gradient.catalog.profiles",
    "ChatGradient": "langchain_gradient.chat_models",
    "GradientEmbeddings": "langchain_gradient.embeddings",
    "GradientResponses": "langchain_gradient.responses",
    "BudgetExceededError": "langchain_gradient.selection.budget",
    "RunBudget": "langchain_gradient.selection.budget",
    "JudgeCheck": "langchain_gradient.selection.checks",
    "GradientRouter": "langchain_gradient.selection.router",
    "Requirements": "langchain_gradient.selection.selector",
    "SelectionDecision": "langchain_gradient.selection.selector",
    "StaleCatalogWarning": "langchain_gradient.selection.selector",
    "select_model": "langchain_gradient.selection.selector",
    "DifficultyTriage": "langchain_gradient.selection.triage",
    "MediaDownloadError": "langchain_gradient.tools._download",
    "GradientFalTool": "langchain_gradient.tools.fal",
    "FalJob": "langchain_gradient.tools.fal_jobs",
    "FalJobClient": "langchain_gradient.tools.fal_jobs",
    "FalJobError": "langchain_gradient.tools.fal_jobs",
    "FalJobFailedError": "langchain_gradient.tools.fal_jobs",
    "FalJobPollingError": "langchain_gradient.tools.fal_jobs",
    "FalJobTimeoutError": "langchain_gradient.tools.fal_jobs",
    "FalPollPolicy": "langchain_gradient.tools.fal_jobs",
    "GradientImageTool": "langchain_gradient.tools.images",
    "KeyInWrongPlaceError": "langchain_gradient._secrets",
    "GradientMalformedResponseError": "langchain_gradient._errors",
    "RouterPreset": "langchain_gradient.catalog.control_api",
    "load_router_presets": "langchain_gradient.catalog.control_api",
    "LadderViability": "langchain_gradient.selection.presets",
    "ladder_viability": "langchain_gradient.selection.presets",
    "FilterCondition": "langchain_gradient._kb_filters",
    "KnowledgeBaseFilters": "langchain_gradient._kb_filters",
    "TokenCounting": "langchain_gradient._token_count",
    "GradientKnowledgeBaseRetriever": "langchain_gradient.retrievers",
    "ChatGradientAgent": "langchain_gradient.agents",
    "GradientGuardrailError": "langchain_gradient.agents",
    "GradientBatchClient": "langchain_gradient.batch",
    "GradientBatchError": "langchain_gradient.batch",
    "GradientBatchItemError": "langchain_gradient.batch",
    "GradientBatchJob": "langchain_gradient.batch",
    "GradientBatchTimeoutError": "langchain_gradient.batch",
    "asubmit_batch": "langchain_gradient.batch",
    "submit_batch": "langchain_gradient.batch",
    "observe_rate_limits": "langchain_gradient._ratelimit",
}

__all__ = [
    "BudgetExceededError",
    "Capabilities",
    "ChatGradient",
    "ChatGradientAgent",
    "CostEstimate",
    "DifficultyTriage",
    "FalJob",
    "FalJobClient",
    "FalJobError",
    "FalJobFailedError",
    "FalJobPollingError",
    "FalJobTimeoutError",
    "FalPollPolicy",
    "FilterCondition",
    "GradientAPIError",
    "GradientAuthenticationError",
    "GradientBadRequestError",
    "GradientBatchClient",
    "GradientBatchError",
    "GradientBatchItemError",
    "GradientBatchJob",
    "GradientBatchTimeoutError",
    "GradientConnectionError",
    "GradientContextOverflowError",
    "GradientCostCallbackHandler",
    "GradientEmbeddings",
    "GradientError",
    "GradientFalTool",
    "GradientGuardrailError",
    "GradientImageTool",
    "GradientKnowledgeBaseRetriever",
    "GradientMalformedResponseError",
    "GradientNotFoundError",
    "GradientPermissionDeniedError",
    "GradientRateLimitError",
    "GradientResponses",
    "GradientRouter",
    "GradientServerError",
    "GradientStreamError",
    "GradientTimeoutError",
    "JudgeCheck",
    "KeyInWrongPlaceError",
    "KnowledgeBaseFilters",
    "LadderViability",
    "MediaDownloadError",
    "MissingAPIKeyError",
    "ModelCatalog",
    "ModelInfo",
    "Pricing",
    "PricingPageError",
    "Requirements",
    "RouterPreset",
    "RunBudget",
    "SelectionDecision",
    "StaleCatalogWarning",
    "StaleFiguresWarning",
    "TokenCounting",
    "UnknownCostWarning",
    "asubmit_batch",
    "estimate_cost",
    "get_gradient_callback",
    "ladder_viability",
    "load_router_presets",
    "model_profile",
    "observe_rate_limits",
    "report_media_usage",
    "select_model",
    "submit_batch",
]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals(), __all__)
