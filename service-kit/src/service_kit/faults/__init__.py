"""A run-time fault API for upstream stubs: errors, latency, timeouts and broken connections."""

from service_kit.faults.api import FAULTS, fault_middleware, is_exempt, setup_faults
from service_kit.faults.spec import FaultSpec, Mode, fault_from_text, parse_spec
from service_kit.faults.state import FaultState
from service_kit.problems import InjectedFault

__all__ = [
    "FAULTS",
    "FaultSpec",
    "FaultState",
    "InjectedFault",
    "Mode",
    "fault_from_text",
    "fault_middleware",
    "is_exempt",
    "parse_spec",
    "setup_faults",
]
