"""Rule units: each asks the analyses one question and returns verdicts for its rule.

The registry is one literal tuple: no entry points, decorators or metaclasses. Violation rules
run first; SID010 and SID011 then give every source that has no violation its verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import ModuleType

from apexlint.checks import (
    hardcoded_session_token,
    outbound_message_sends_session_id,
    session_id_exported,
    session_id_in_async_context,
    session_id_in_url,
    session_id_logged,
    session_id_privileged_metadata_write,
    session_id_returned_to_client,
    session_id_supported_use,
    session_id_unresolved_use,
    session_id_via_visualforce_content,
)
from apexlint.checks.context import CheckContext, Verdict

VIOLATION_RULES: tuple[ModuleType, ...] = (
    session_id_in_async_context,  # SID001
    session_id_exported,  # SID002
    session_id_logged,  # SID003
    session_id_privileged_metadata_write,  # SID004
    outbound_message_sends_session_id,  # SID005
    session_id_in_url,  # SID006
    session_id_via_visualforce_content,  # SID007
    session_id_returned_to_client,  # SID008
    hardcoded_session_token,  # SID009
)
VERDICT_RULES: tuple[ModuleType, ...] = (
    session_id_supported_use,  # SID010
    session_id_unresolved_use,  # SID011
)
ALL_RULES = VIOLATION_RULES + VERDICT_RULES

CheckFn = Callable[[CheckContext], Iterator[Verdict]]

__all__ = ["ALL_RULES", "VERDICT_RULES", "VIOLATION_RULES", "CheckContext", "Verdict"]
