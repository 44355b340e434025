"""DigitalOcean's contract, as the package owns it: the generated ``contract.json``, the
list of what we accept beyond it (:mod:`.extras`), and the validator (:mod:`.validator`)
the emulator and the tests share.

Example:
    >>> from langchain_gradient.emulator.contract import check_request
    >>> check_request("POST", "/v1/embeddings", {"model": "m", "input": "hi"}) is None
    True
"""

from __future__ import annotations

from langchain_gradient.emulator.contract.extras import EXTRAS, Extra, extras_for
from langchain_gradient.emulator.contract.validator import (
    Violation,
    check_event,
    check_request,
    check_response,
    load_contract,
    route_key,
)

__all__ = [
    "EXTRAS",
    "Extra",
    "Violation",
    "check_event",
    "check_request",
    "check_response",
    "extras_for",
    "load_contract",
    "route_key",
]
