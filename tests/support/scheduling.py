"""How `make test` shares the work between its two xdist workers (tests/conftest.py hands xdist this scheduler).

xdist's default (`load`) hands out consecutive runs of tests as workers free up, so near the end of a run a
module's tests alternate between the workers and each worker builds the module's city, app or server again.
"""

from __future__ import annotations

import re


# Modules whose tests share a session fixture (a recorded city, a served console): one work unit under xdist.
SHARED = {"tests/api/demo/test_demo.py": "demo city", "tests/api/demo/test_demo_read_models_from_memory.py": "demo city",
          "tests/api/console/test_console_browser.py": "console server",
          "tests/api/console/test_console_proof_badge.py": "console server"}
_BACKEND = re.compile(r"\[(?:.*-)?(sqlite|postgres)(?:-.*)?\]$")


def module_and_backend(config, log):
    """xdist's loadscope with this scope: a module's tests on one backend are one work unit, so a module- or
    session-scoped city or server is built once, not once per worker that drew one of its tests. A test
    without a backend joins its module's SQLite unit (whose city it reads, where there is one). xdist's
    `loadgroup` would need `xdist_group` marks, but it renames `item._nodeid`, which pytest 9 no longer reads."""
    from xdist.scheduler import LoadScopeScheduling

    class ModuleAndBackend(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            backend = _BACKEND.search(nodeid)
            return f"{SHARED.get(module, module)} on {backend.group(1) if backend else 'sqlite'}"

    return ModuleAndBackend(config, log)
