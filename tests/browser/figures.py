"""What a person sees of the board on their first screen, measured in the page: where
the first card starts, how many cards fit whole, how tall cards are, where each column's
add control sits, and whether the page scrolls sideways."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

MEASURE = """(longId) => {
  const shown = (el) =>
    el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const cards = Array.from(document.querySelectorAll('.note[data-note-id]')).filter(shown);
  const rects = cards.map((card) => card.getBoundingClientRect());
  const W = window.innerWidth, H = window.innerHeight;
  const whole = rects.filter((r) => r.top >= 0 && r.bottom <= H && r.left >= 0 && r.right <= W);
  const short = cards
    .filter((card) => card.dataset.noteId !== longId)
    .filter((card) => (card.querySelector('.note-text') || card).textContent.trim().length <= 200)
    .map((card) => card.getBoundingClientRect().height)
    .sort((a, b) => a - b);
  const long = longId && document.getElementById('note-' + longId);
  const columns = document.querySelectorAll('section.column[data-column-id]');
  const adds = Array.from(columns).map((column) => {
    const add = column.querySelector('[data-add-note]');
    return add ? add.getBoundingClientRect().bottom + window.scrollY : null;
  });
  const visibleAdds = Array.from(document.querySelectorAll('[data-add-note]')).filter(shown)
    .map((add) => add.getBoundingClientRect().bottom);
  return {
    first_card_top: rects.length ? rects[0].top + window.scrollY : null,  // the first column's
    highest_card_top: rects.length ? Math.min(...rects.map((r) => r.top)) + window.scrollY : null,
    whole_cards: whole.length,
    median_short_card: short.length ? short[Math.floor(short.length / 2)] : null,
    long_card: long ? long.getBoundingClientRect().height : null,
    add_bottoms: adds,
    first_visible_add_bottom: visibleAdds.length ? Math.min(...visibleAdds) : null,
    sideways: document.documentElement.scrollWidth - window.innerWidth,
    page_height: document.documentElement.scrollHeight,
  };
}"""


def measure(page: Page, long_id: str | None = None) -> dict[str, Any]:
    """The figures of the page as it is now, scrolled to the top."""
    page.evaluate("window.scrollTo(0, 0)")
    return dict(page.evaluate(MEASURE, long_id or ""))
