"""What the console's browser tests do on a page: sign in, pin the checkpoint key, ask a proof badge, shoot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
EVENTS = 1000
ROLES = ("recorder", "inspector", "auditor", "admin", "feedback_officer")


def sign_in(page, server, role: str) -> None:
    page.goto(server["base"] + "/console/masuk")
    page.fill("#token", server["tokens"][role])
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()


def shot(page, server, name: str, full_page: bool = False) -> None:
    """The viewport (a 1,000-row page is too tall to shoot whole on a busy machine)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"console-{name}-{server['backend']}.png"), full_page=full_page)


def pin_key(page, server, pem: str) -> None:
    """Pin a checkpoint key on the key page, as an auditor pastes it; the page accepts any well-formed key."""
    page.goto(server["base"] + "/console/kunci")
    page.fill("#pinned-key", pem)
    page.click("#pin-form button")
    page.wait_for_selector("#pin-form output[data-result=ok]")


def proof_of(page, row) -> Any:
    """Click a row's proof badge and wait for its verdict; the badge's output (data-result ok or fail)."""
    row.locator("button.proof").click()
    result = row.locator("output.proof-result")
    page.wait_for_function("el => el.dataset.result === 'ok' || el.dataset.result === 'fail'",
                           arg=result.element_handle())
    return result
