// What opens from a card: the one action menu ("⋯"), the reaction picker, the comments,
// the rest of a long text, and the facilitator's selection for a theme. Cards are the
// same for everyone; the menu is filled here for the note and the viewer (the server
// still decides every permission). Without JavaScript the card's links lead to the
// note's own page, which offers the same actions as forms.
(function () {
  "use strict";

  const board = document.getElementById("board");
  if (!board) return;
  const menu = document.getElementById("note-menu");
  const picker = document.getElementById("reaction-picker");
  const selection = document.getElementById("theme-selection");
  const selected = new Set();
  const COLOURS = new Set(["yellow", "green", "blue", "pink", "purple", "grey"]);
  let open = null; // { popover, noteId, kind: "menu" | "react" }

  function viewer() {
    return window.PajaBoard || { mine: () => false, reactions: () => new Set(), isFacilitator: false };
  }

  function card(noteId) {
    return document.getElementById("note-" + noteId);
  }

  // A copy of a <template> for one note: its __NOTE__ placeholders become the note's id.
  function copy(templateId, noteId, themeId) {
    const template = document.getElementById(templateId);
    const holder = document.createElement("template");
    holder.innerHTML = template.innerHTML.replaceAll("__NOTE__", noteId).replaceAll("__THEME__", themeId || "");
    holder.content.querySelectorAll("form[data-hx]:not([hx-post])").forEach((form) => {
      form.setAttribute("hx-post", form.getAttribute("action"));
    });
    return holder.content;
  }

  function focusable(root) {
    return root.querySelector("summary, button:not([hidden]), select, textarea, input:not([type=hidden]), a[href]");
  }

  // --- placing a popover under the control that opened it (a bottom sheet on a phone) ---
  function place(popover, anchor) {
    popover.hidden = false;
    if (window.matchMedia("(max-width: 40rem)").matches) {
      popover.style.removeProperty("top");
      popover.style.removeProperty("left");
      return;
    }
    const rect = anchor.getBoundingClientRect();
    const width = popover.offsetWidth;
    const left = Math.max(8, Math.min(rect.right - width, document.documentElement.clientWidth - width - 8));
    popover.style.setProperty("top", `${rect.bottom + window.scrollY + 4}px`);
    popover.style.setProperty("left", `${left + window.scrollX}px`);
  }

  function close(returnFocus) {
    if (!open) return;
    const { popover, noteId, kind } = open;
    const hadFocus = popover.contains(document.activeElement);
    popover.hidden = true;
    const body = popover.querySelector(".note-menu-body") || popover;
    body.replaceChildren();
    delete popover.dataset.noteId;
    open = null;
    const note = card(noteId);
    const opener = note && note.querySelector(kind === "menu" ? ".note-menu-button" : ".note-react");
    if (opener) opener.setAttribute("aria-expanded", "false");
    if (returnFocus || hadFocus) {
      const column = document.querySelector(".note-form textarea");
      (opener || column || document.getElementById("main")).focus();
    }
  }

  // --- the action menu ------------------------------------------------------------------
  function applies(when, note, noteId) {
    const kind = note.classList.contains("note--next-step") ? "next_step" : "note";
    const seen = note.dataset.visibility || "public";
    const themed = Boolean(note.dataset.themeId);
    switch (when) {
      case "mine":
        return viewer().mine(noteId);
      case "facilitator":
        return viewer().isFacilitator;
      case "next-step":
        return kind === "next_step";
      case "plain":
        return kind !== "next_step";
      case "pending":
        return seen === "pending";
      case "hidden":
        return seen === "hidden";
      case "shown":
        return seen !== "hidden";
      case "themed":
        return themed;
      case "loose":
        return !themed;
      default:
        return true;
    }
  }

  function fillMenu(note, noteId) {
    const body = menu.querySelector(".note-menu-body");
    const parts = copy("note-menu-template", noteId, note.dataset.themeId);
    parts.querySelectorAll("[data-when]").forEach((part) => {
      if (!applies(part.dataset.when, note, noteId)) part.remove();
    });
    const text = note.querySelector(".note-text").textContent;
    const edit = parts.querySelector(".note-edit textarea");
    if (edit) edit.value = text;
    const colour = parts.querySelector(".note-color select");
    const named = Array.from(note.classList).find((name) => COLOURS.has(name.slice(6)));
    if (colour) colour.value = named ? named.slice(6) : "yellow";
    note.querySelectorAll(".next-step-fields [data-field]").forEach((field) => {
      const input = parts.querySelector(`.next-step-form [name="${field.dataset.field}"]`);
      if (input) input.value = field.querySelector("dd").textContent;
    });
    const box = parts.querySelector(".note-select-box");
    if (box) box.checked = selected.has(noteId);
    const link = document.createElement("a");
    link.href = note.querySelector(".note-menu-button").getAttribute("href");
    link.className = "note-menu-page";
    link.textContent = menu.dataset.textOwnPage || "";
    parts.append(link);
    body.replaceChildren(parts);
    menu.querySelector(".popover-title").textContent = text.length > 80 ? text.slice(0, 79) + "…" : text;
    if (window.htmx) window.htmx.process(body);
  }

  function openMenu(note, button) {
    const noteId = note.dataset.noteId;
    if (open && open.noteId === noteId && open.kind === "menu") return close(true);
    close(false);
    fillMenu(note, noteId);
    menu.dataset.noteId = noteId;
    open = { popover: menu, noteId, kind: "menu" };
    button.setAttribute("aria-expanded", "true");
    place(menu, button);
    markEdges();
    const first = focusable(menu.querySelector(".note-menu-body")) || menu.querySelector("[data-close]");
    first.focus();
  }

  // Impossible keyboard moves are said, not hidden: focus never falls off a button.
  function markEdges() {
    if (!open || open.kind !== "menu") return;
    const note = card(open.noteId);
    const list = note && note.parentElement;
    if (!list) return;
    const columns = Array.from(document.querySelectorAll("#columns > .column"));
    const column = note.closest(".column");
    const lists = column ? Array.from(column.querySelectorAll(".notes")) : [list];
    const notes = Array.from(list.children).filter((child) => child.classList.contains("note"));
    const index = notes.indexOf(note);
    const cell = lists.indexOf(list);
    const edge = {
      up: index === 0 && cell <= 0,
      down: index === notes.length - 1 && cell === lists.length - 1,
      left: columns.indexOf(column) === 0,
      right: columns.indexOf(column) === columns.length - 1,
    };
    for (const [direction, impossible] of Object.entries(edge)) {
      const button = menu.querySelector(`button[name="direction"][value="${direction}"]`);
      if (button) button.setAttribute("aria-disabled", impossible ? "true" : "false");
    }
  }

  // --- the reaction picker: the five reactions, this viewer's own pressed -------------
  function openPicker(note, button) {
    const noteId = note.dataset.noteId;
    if (open && open.noteId === noteId && open.kind === "react") return close(true);
    close(false);
    const given = viewer().reactions(noteId);
    const parts = copy("reaction-picker-template", noteId);
    parts.querySelectorAll("button.reaction").forEach((reaction) => {
      const name = reaction.dataset.reaction;
      const used = note.querySelector(`.reaction-used[data-reaction="${name}"] .reaction-count`);
      reaction.querySelector(".reaction-count").textContent = used ? used.textContent : "";
      reaction.setAttribute("aria-pressed", given.has(name) ? "true" : "false");
      reaction.value = `${name}:${given.has(name) ? "off" : "on"}`;
    });
    picker.replaceChildren(parts);
    if (window.htmx) window.htmx.process(picker);
    picker.dataset.noteId = noteId;
    open = { popover: picker, noteId, kind: "react" };
    button.setAttribute("aria-expanded", "true");
    place(picker, button);
    const first = picker.querySelector("button.reaction");
    if (first) first.focus();
  }

  // --- comments, opened in place from their count --------------------------------------
  function openComments(note, text) {
    const box = note.querySelector(".comments");
    const toggle = note.querySelector(".note-comments-toggle");
    if (!box) return;
    box.hidden = false;
    if (toggle) toggle.setAttribute("aria-expanded", "true");
    if (!box.querySelector("form") && document.getElementById("comment-form-template") && writable()) {
      box.append(copy("comment-form-template", note.dataset.noteId));
      if (window.htmx) window.htmx.process(box);
    }
    const area = box.querySelector("textarea");
    if (area && text) area.value = text;
    return area;
  }

  function writable() {
    const status = board.dataset.status;
    return status === "open" || (status === "draft" && board.dataset.role === "facilitator");
  }

  function toggleComments(note) {
    const box = note.querySelector(".comments");
    if (!box) return;
    if (!box.hidden) {
      box.hidden = true;
      note.querySelector(".note-comments-toggle").setAttribute("aria-expanded", "false");
      return;
    }
    const area = openComments(note);
    if (area) area.focus();
  }
  document.addEventListener("paja:open-comments", (event) => openComments(event.detail.note, event.detail.text));

  // --- the rest of a long text, opened in place ----------------------------------------
  function expand(note, on) {
    const text = note.querySelector(".note-text");
    const more = note.querySelector(".note-more");
    if (!text || !more) return;
    text.classList.toggle("is-open", on);
    more.setAttribute("aria-expanded", on ? "true" : "false");
    more.textContent = on ? board.dataset.textShowLess : board.dataset.textShowMore;
  }
  document.addEventListener("paja:expand", (event) => expand(event.detail.note, true));

  // --- the facilitator's selection for a theme -----------------------------------------
  function select(noteId, on) {
    if (on) selected.add(noteId);
    else selected.delete(noteId);
    if (selection) {
      selection.replaceChildren(
        ...Array.from(selected, (id) => {
          const input = document.createElement("input");
          input.type = "hidden";
          input.name = "note_ids";
          input.value = id;
          input.setAttribute("form", "theme-form");
          return input;
        })
      );
    }
    const note = card(noteId);
    if (note) note.classList.toggle("note--selected", on);
    document.dispatchEvent(new CustomEvent("paja:selection", { detail: { count: selected.size } }));
  }
  document.addEventListener("paja:decorate", (event) => {
    const note = event.detail.note;
    note.classList.toggle("note--selected", selected.has(note.dataset.noteId));
    note.querySelectorAll(".note-more:not([aria-expanded])").forEach((more) => more.setAttribute("aria-expanded", "false"));
  });
  document.addEventListener("paja:event", (event) => {
    const { type, data } = event.detail;
    if ((type === "theme.created" || type === "theme.updated") && data.note_ids) {
      data.note_ids.filter((id) => selected.has(id)).forEach((id) => select(id, false));
    }
  });

  // --- one listener for every card's controls -----------------------------------------
  document.addEventListener("click", (event) => {
    const target = event.target;
    if (!(target instanceof Element)) return;
    const note = target.closest(".note");
    const control = target.closest(".note-menu-button, .note-react, .note-comments-toggle, .note-more");
    if (note && control && note.contains(control)) {
      event.preventDefault();
      if (control.classList.contains("note-menu-button") && menu) openMenu(note, control);
      else if (control.classList.contains("note-react") && picker) openPicker(note, control);
      else if (control.classList.contains("note-comments-toggle")) toggleComments(note);
      else if (control.classList.contains("note-more")) expand(note, control.getAttribute("aria-expanded") !== "true");
      return;
    }
    if (target.closest("[data-close]")) return close(true);
    const question = target.closest(".board-header .question");
    if (question) question.classList.toggle("is-open");
    if (open && !open.popover.contains(target)) close(false);
  });
  document.addEventListener("change", (event) => {
    const box = event.target;
    if (box instanceof HTMLInputElement && box.classList.contains("note-select-box") && open) {
      select(open.noteId, box.checked);
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && open) {
      event.preventDefault();
      close(true);
    }
  });

  // After an action in a popover: a keyboard move keeps the menu open for the next step;
  // anything else closes it (a refusal keeps it open, with the reason in the page).
  document.body.addEventListener("htmx:afterRequest", (event) => {
    if (!open || !event.detail.successful) return;
    const source = event.detail.elt;
    if (!(source instanceof Element) || !open.popover.contains(source)) return;
    if (source.closest(".move-form")) return;
    close(true);
  });

  // Live changes: the menu follows its note (or closes when the note is gone).
  document.addEventListener("paja:changed", () => {
    if (!open) return;
    const note = card(open.noteId);
    if (!note) return close(false);
    const anchor = note.querySelector(open.kind === "menu" ? ".note-menu-button" : ".note-react");
    if (anchor) {
      anchor.setAttribute("aria-expanded", "true");
      place(open.popover, anchor);
    }
    markEdges();
  });

  // The board's question is one line until clicked or focused (its whole text is read
  // out, the line is only how it looks); when that line cuts it, a chevron shows there
  // is more.
  function focusableQuestion() {
    const question = document.querySelector(".board-header .question");
    if (!question) return;
    question.tabIndex = 0;
    if (question.classList.contains("is-open") || document.activeElement === question) return;
    question.classList.remove("is-cut"); // measured as one line, without the chevron's room
    question.classList.toggle("is-cut", question.scrollHeight > question.clientHeight + 1);
  }
  focusableQuestion();
  document.addEventListener("paja:event", (event) => {
    if (event.detail.type === "board.updated") focusableQuestion();
  });
  let resizing = 0;
  window.addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(focusableQuestion, 200);
  });

  window.PajaCard = { menuHolds: (id) => Boolean(open && open.noteId === id && open.popover.contains(document.activeElement)) };
})();
