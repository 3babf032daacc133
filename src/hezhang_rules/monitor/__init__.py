"""The live monitor on durable-rules (docs/monitor.md): the same plan, the same report."""

from hezhang_rules.monitor.live import (
    EVENT_KINDS,
    EventKind,
    Monitor,
    MonitorEvent,
    evaluate_live,
)
from hezhang_rules.monitor.rete import MonitorEngineError

__all__ = [
    "EVENT_KINDS",
    "EventKind",
    "Monitor",
    "MonitorEngineError",
    "MonitorEvent",
    "evaluate_live",
]
