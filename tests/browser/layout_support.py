"""Layout facts measured in the browser, and axe-core (from node_modules) run on a page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.async_api import Page

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# Every element that is rendered (not display:none, not visibility:hidden, not zero-sized):
# its box, the fonts, and whether it is cut off by the viewport or its scrolling ancestors.
_CUT_OFF = """() => {
  const out = [];
  const w = innerWidth, h = innerHeight;
  for (const node of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(node);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const r = node.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (node.closest('[hidden]')) continue;
    if (r.right > w + 1 || r.bottom > h + 1 || r.left < -1 || r.top < -1) {
      const name = `${node.tagName.toLowerCase()}${node.id ? '#' + node.id : ''}.${node.className}`;
      out.push(`${name} ${[r.left, r.top, r.right, r.bottom].map(Math.round).join(',')}`);
    }
  }
  return out;
}"""


async def cut_off(page: Page) -> list[str]:
    """Elements of a one-screen page (the projector) that reach past the viewport."""
    return await page.evaluate(_CUT_OFF)


async def font_px(page: Page, selector: str) -> list[float]:
    """The computed font size of every element matching ``selector`` that is shown."""
    return await page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)]
            .filter((n) => n.getClientRects().length)
            .map((n) => parseFloat(getComputedStyle(n).fontSize))""",
        selector,
    )


async def screens(page: Page) -> float:
    """The document's height in screens of the viewport."""
    return await page.evaluate("document.documentElement.scrollHeight / innerHeight")


async def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now (every rule axe runs by default)."""
    if not await page.evaluate("typeof window.axe === 'object'"):
        # evaluated through the DevTools protocol: the page's CSP (no inline script) allows it
        await page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    return await page.evaluate(
        """async () => (await axe.run(document, { resultTypes: ['violations'] })).violations
            .map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                           nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }))"""
    )


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(f"{v['impact']} {v['id']}: {v['help']} — {v['nodes']}" for v in violations)
