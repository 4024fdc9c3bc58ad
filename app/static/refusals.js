// A refused action says why next to where it was tried. The server sends a refusal to the
// page's alert region (#flash, far up the page), and a control known to be unusable has
// its reason in a tooltip; here either is shown right after the form that was used, as an
// alert screen readers announce, until the next try succeeds or a few seconds pass.
(function () {
  "use strict";

  const SHOWN_MS = 12000;

  function messageOf(xhr) {
    const template = document.createElement("template");
    template.innerHTML = xhr.responseText || "";
    return (template.content.textContent || "").trim();
  }

  function placeFor(form) {
    let place = form.nextElementSibling;
    if (place && place.classList.contains("refusal")) return place;
    place = document.createElement("p");
    place.className = "refusal";
    place.setAttribute("role", "alert");
    form.after(place);
    return place;
  }

  function show(form, text) {
    const place = placeFor(form);
    place.textContent = text;
    clearTimeout(place._paja_timer);
    place._paja_timer = setTimeout(() => place.remove(), SHOWN_MS);
  }

  // A control that cannot be used now (a vote after the round closed) is not sent at all
  // (board-move.js stops it); its reason, kept in its title, is said here instead.
  document.addEventListener(
    "click",
    (event) => {
      const button = event.target.closest && event.target.closest('button[aria-disabled="true"][title]');
      if (button && button.title) show(button.closest("form") || button, button.title);
    },
    true
  );

  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const xhr = event.detail.xhr;
    if (!xhr || xhr.status < 400 || xhr.getResponseHeader("HX-Retarget") !== "#flash") return;
    const elt = event.detail.requestConfig && event.detail.requestConfig.elt;
    const form = elt && (elt.closest("form") || elt);
    if (!form || !document.contains(form)) return;
    const text = messageOf(xhr);
    if (!text) return;
    event.detail.shouldSwap = false;
    show(form, text);
  });

  // A later success on the same form takes its old refusal away.
  document.body.addEventListener("htmx:afterRequest", (event) => {
    if (!event.detail.successful) return;
    const elt = event.detail.elt;
    const form = elt && (elt.closest("form") || elt);
    const next = form && form.nextElementSibling;
    if (next && next.classList.contains("refusal")) next.remove();
  });
})();
