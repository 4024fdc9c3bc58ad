// A refused action says why next to where it was tried. The server sends a refusal to the
// page's alert region (#flash, far up the page); here it is shown instead right after the
// form that was used, as an alert screen readers announce, until the next try succeeds.
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

  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const xhr = event.detail.xhr;
    if (!xhr || xhr.status < 400 || xhr.getResponseHeader("HX-Retarget") !== "#flash") return;
    const elt = event.detail.requestConfig && event.detail.requestConfig.elt;
    const form = elt && (elt.closest("form") || elt);
    if (!form || !document.contains(form)) return;
    const text = messageOf(xhr);
    if (!text) return;
    event.detail.shouldSwap = false;
    const place = placeFor(form);
    place.textContent = text;
    clearTimeout(place._paja_timer);
    place._paja_timer = setTimeout(() => place.remove(), SHOWN_MS);
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
