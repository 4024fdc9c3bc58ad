// Moving notes and finding columns. The Move menu on each note is the way that works for
// everyone (keyboard, screen reader, no JavaScript); dragging with SortableJS is the
// shortcut for mouse and touch and posts the same move once, on drop. On a phone the
// board shows one column at a time, chosen with the column switcher.
(function () {
  "use strict";

  const board = document.getElementById("board");
  const columns = document.getElementById("columns");
  if (!board || !columns) return;

  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  const sortables = new Map();

  function lists() {
    return Array.from(columns.querySelectorAll(".notes"));
  }

  function notesOf(list) {
    return Array.from(list.children).filter((child) => child.classList.contains("note"));
  }

  // --- the Move menu: impossible moves are announced as unavailable, not hidden, so the
  // focus never falls off a button that disappears at the edge of the board.
  // On a grid board up and down cross into the cell above or below (the server does the
  // same), so only the column's first and last cells have an edge.
  function refreshMoveButtons(changedLists) {
    const all = lists();
    const columnList = columnElements();
    for (const list of changedLists || all) {
      const column = list.closest(".column");
      const columnIndex = columnList.indexOf(column);
      const inColumn = column ? Array.from(column.querySelectorAll(".notes")) : [list];
      const cellIndex = inColumn.indexOf(list);
      const notes = notesOf(list);
      notes.forEach((note, index) => {
        mark(note, "up", index === 0 && cellIndex <= 0);
        mark(note, "down", index === notes.length - 1 && cellIndex === inColumn.length - 1);
        mark(note, "left", columnIndex === 0);
        mark(note, "right", columnIndex === columnList.length - 1);
      });
    }
  }

  function mark(note, direction, impossible) {
    const button = note.querySelector(`button[name="direction"][value="${direction}"]`);
    if (button) button.setAttribute("aria-disabled", impossible ? "true" : "false");
  }

  document.addEventListener(
    "click",
    (event) => {
      if (event.target.closest('button[aria-disabled="true"]')) event.preventDefault();
    },
    true
  );

  // --- drag and drop -------------------------------------------------------------------
  function writable() {
    const status = board.dataset.status;
    return status === "open" || (status === "draft" && board.dataset.role === "facilitator");
  }

  function makeSortable(list) {
    if (!window.Sortable || sortables.has(list)) return;
    const sortable = window.Sortable.create(list, {
      group: "notes",
      handle: ".drag-handle",
      draggable: ".note",
      forceFallback: true, // the same drag for mouse and touch
      fallbackOnBody: true,
      fallbackTolerance: 4,
      animation: reducedMotion.matches ? 0 : 150,
      ghostClass: "note--ghost",
      chosenClass: "note--chosen",
      disabled: !writable(),
      onStart: () => document.dispatchEvent(new CustomEvent("paja:drag-start")),
      onEnd: drop,
    });
    sortables.set(list, sortable);
  }

  function drop(event) {
    const unchanged = event.from === event.to && event.oldDraggableIndex === event.newDraggableIndex;
    if (!unchanged) postMove(event);
    refreshMoveButtons(event.from === event.to ? [event.to] : [event.from, event.to]);
    document.dispatchEvent(new CustomEvent("paja:drag-end"));
  }

  function postMove(event) {
    const note = event.item;
    const column = event.to.closest(".column");
    const body = new URLSearchParams({
      column_id: column.dataset.columnId,
      position: String(event.newDraggableIndex),
    });
    if (event.to.dataset.rowId) body.set("row_id", event.to.dataset.rowId);
    fetch(`/b/${board.dataset.boardId}/notes/${note.dataset.noteId}/move`, {
      method: "POST",
      body,
      headers: { "HX-Request": "true" },
      credentials: "same-origin",
    })
      .then((response) => {
        if (!response.ok) throw new Error(String(response.status));
      })
      .catch(() => putBack(event));
  }

  function putBack(event) {
    const stay = notesOf(event.from).filter((note) => note !== event.item);
    event.from.insertBefore(event.item, stay[event.oldDraggableIndex] || null);
    refreshMoveButtons([event.from, event.to]);
    const flash = document.getElementById("flash");
    if (flash) flash.textContent = board.dataset.textMoveFailed || "";
  }

  function refreshSortables() {
    columns.classList.toggle("can-drag", Boolean(window.Sortable) && writable());
    lists().forEach(makeSortable);
    sortables.forEach((sortable, list) => {
      if (!list.isConnected) sortables.delete(list);
      else sortable.option("disabled", !writable());
    });
  }

  // --- the column switcher (phones) ---------------------------------------------------
  const switcher = document.getElementById("column-switcher");
  const picker = document.getElementById("column-picker");

  function columnElements() {
    return Array.from(columns.querySelectorAll(":scope > .column"));
  }

  function show(columnId) {
    const all = columnElements();
    const current = all.find((column) => column.dataset.columnId === columnId) || all[0];
    if (!current) return;
    all.forEach((column) => column.classList.toggle("is-current", column === current));
    picker.value = current.dataset.columnId;
    const index = all.indexOf(current);
    switcher.querySelectorAll(".column-step").forEach((button) => {
      const target = index + Number(button.dataset.step);
      button.setAttribute("aria-disabled", target < 0 || target >= all.length ? "true" : "false");
    });
  }

  function rebuildPicker() {
    const all = columnElements();
    const chosen = picker.value;
    picker.replaceChildren(
      ...all.map((column, index) => {
        const title = column.querySelector(".column-header h2");
        const option = new Option(`${index + 1}/${all.length} ${title ? title.textContent.trim() : ""}`);
        option.value = column.dataset.columnId;
        return option;
      })
    );
    show(chosen);
  }

  function setUpSwitcher() {
    if (!switcher || !picker) return;
    switcher.hidden = false;
    columns.classList.add("is-switched");
    picker.addEventListener("change", () => show(picker.value));
    switcher.querySelectorAll(".column-step").forEach((button) =>
      button.addEventListener("click", () => {
        if (button.getAttribute("aria-disabled") === "true") return;
        const all = columnElements();
        const index = all.findIndex((column) => column.classList.contains("is-current"));
        const next = all[index + Number(button.dataset.step)];
        if (next) show(next.dataset.columnId);
      })
    );
    show(picker.value);
  }

  // A note the person moved with the keyboard is followed to its column.
  document.addEventListener("paja:reveal", (event) => {
    const column = event.detail.list && event.detail.list.closest(".column");
    if (column && switcher && !switcher.hidden) show(column.dataset.columnId);
  });

  // --- forms: after htmx swaps a form, the keyboard focus goes back into it -------------
  let submitted = null;
  document.body.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.detail.elt.closest && event.detail.elt.closest("form");
    submitted = form && form.id ? form.id : null;
  });
  document.body.addEventListener("htmx:load", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.id !== submitted) return;
    const field = form.querySelector('[aria-invalid="true"]') || form.querySelector("textarea");
    if (field) field.focus();
  });

  document.addEventListener("paja:changed", (event) => {
    const changedLists = event.detail.lists;
    if (!changedLists) {
      refreshSortables();
      if (picker) rebuildPicker();
    }
    refreshMoveButtons(changedLists);
  });

  refreshMoveButtons(null);
  refreshSortables();
  setUpSwitcher();
})();
