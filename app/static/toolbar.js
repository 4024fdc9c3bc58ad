// The facilitator's toolbar: one tool open at a time, Escape closes it, and the live
// state follows the board. After every live event (board.js tells the page with
// paja:event) the toolbar is asked again from the server and its data-live parts are
// redrawn, so every facilitator's page shows the same state without a reload.
(function () {
  "use strict";

  const toolbar = document.getElementById("toolbar");
  if (!toolbar) return;
  const tools = () => Array.from(toolbar.querySelectorAll("details.tool"));
  const QUIET_MS = 150; // a burst of events asks once
  const MAX_WAIT_MS = 800; // but never later than this after the first of them

  // --- one panel at a time; Escape and a click outside close it ---
  toolbar.addEventListener("toggle", (event) => {
    const opened = event.target;
    if (!opened.classList || !opened.classList.contains("tool") || !opened.open) return;
    tools().forEach((tool) => {
      if (tool !== opened) tool.open = false;
    });
  }, true);

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const open = tools().find((tool) => tool.open);
    // Escape elsewhere on the page (in a note's menu) is not the toolbar's to take.
    if (!open || (!toolbar.contains(event.target) && event.target !== document.body)) return;
    // A section open inside the panel (grid rows, co-facilitators) closes first.
    const inner = event.target.closest && event.target.closest("details.tool details[open]");
    const closing = inner || open;
    closing.open = false;
    closing.querySelector("summary").focus();
  });

  document.addEventListener("click", (event) => {
    if (toolbar.contains(event.target)) return;
    tools().forEach((tool) => (tool.open = false));
  });

  // --- live state ---
  let quietTimer = null;
  let firstAt = 0;
  let asking = false;
  let again = false;

  function schedule() {
    const now = Date.now();
    if (!quietTimer) firstAt = now;
    clearTimeout(quietTimer);
    const wait = Math.max(0, Math.min(QUIET_MS, firstAt + MAX_WAIT_MS - now));
    quietTimer = setTimeout(refresh, wait);
  }

  async function refresh() {
    quietTimer = null;
    if (asking) {
      again = true;
      return;
    }
    asking = true;
    try {
      // No ?lang=: the server picks the page's language the same way (and a ?lang= would
      // also remember it as this person's choice).
      const response = await fetch(toolbar.dataset.refresh, {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      });
      if (response.ok) redraw(await response.text());
    } catch (_error) {
      /* offline: the next event after the reconnect asks again */
    } finally {
      asking = false;
      if (again) {
        again = false;
        schedule();
      }
    }
  }

  function typingIn(element) {
    const active = document.activeElement;
    return (
      active &&
      element.contains(active) &&
      (active.matches("input:not([type=hidden]):not([type=checkbox]), textarea, select"))
    );
  }

  function redraw(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    template.content.querySelectorAll("[data-live][id]").forEach((fresh) => {
      const old = document.getElementById(fresh.id);
      if (!old || typingIn(old)) return; // never under someone's hands
      const focused = old.contains(document.activeElement) && document.activeElement.dataset.focus;
      old.replaceWith(fresh);
      if (window.htmx) window.htmx.process(fresh);
      const target = focused && fresh.querySelector(`[data-focus="${focused}"]`);
      if (target) target.focus();
      else if (focused) {
        const summary = fresh.closest("details.tool") && fresh.closest("details.tool").querySelector("summary");
        if (summary) summary.focus();
      }
    });
    showTimer();
  }

  // Events that change nothing the toolbar shows do not ask.
  const UNRELATED = new Set(["comment.created", "reaction.changed", "column.sorted"]);
  document.addEventListener("paja:event", (event) => {
    if (!UNRELATED.has(event.detail && event.detail.type)) schedule();
  });
  // A page that comes back online may have missed events it then catches up on; those
  // arrive as paja:event too. A refused or accepted form post also asks (a change that
  // made no event, like a bad number, still settles the buttons).
  document.body.addEventListener("htmx:afterRequest", (event) => {
    if (toolbar.contains(event.detail.elt)) schedule();
  });

  // --- the timer's state counts down with the board's own clock (#timer) ---
  function showTimer() {
    const state = document.getElementById("tool-state-timer");
    const timer = document.getElementById("timer");
    if (!state || !timer) return;
    const clock = timer.querySelector(".timer-clock");
    const ended = timer.querySelector(".timer-ended");
    if (timer.hidden || !timer.dataset.endsAt) return;
    const text = ended && !ended.hidden ? ended.textContent : clock ? clock.textContent : "";
    if (text && state.textContent !== text) state.textContent = text;
  }
  setInterval(showTimer, 500);
  showTimer();
})();
