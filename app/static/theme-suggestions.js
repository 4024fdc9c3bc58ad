// Theme suggestions on the board (facilitators): ask the server, show each suggestion
// with its notes highlighted on the board, and create a theme with one click through
// the themes API; its live event redraws every browser. Without JavaScript the form
// opens the suggestions page instead.
(function () {
  "use strict";
  const panel = document.getElementById("theme-suggestions");
  if (!panel) return;
  const form = panel.querySelector(".theme-suggest-form");
  const list = panel.querySelector(".theme-suggestion-list");
  const status = panel.querySelector(".theme-suggest-status");
  const boardId = panel.dataset.boardId;
  const text = (name, values) => {
    let value = panel.dataset["text" + name] || "";
    for (const [key, v] of Object.entries(values || {})) value = value.replace("{" + key + "}", v);
    return value;
  };
  const say = (message) => { status.textContent = message; };

  function noteText(id) {
    const node = document.getElementById("note-text-of-" + id);
    return node ? node.textContent.trim() : id;
  }

  function highlight(ids, on) {
    for (const id of ids) {
      const card = document.querySelector('.note[data-note-id="' + CSS.escape(id) + '"]');
      if (card) card.classList.toggle("theme-suggested", on);
    }
  }

  function button(label, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }

  function suggestion(heading, title, ids, acceptLabel, number) {
    const item = document.createElement("li");
    item.className = "theme-suggestion";
    const h = document.createElement("h3");
    h.id = "theme-suggestion-" + number;
    h.textContent = heading;
    item.setAttribute("aria-labelledby", h.id);
    const label = document.createElement("label");
    label.htmlFor = "theme-suggestion-title-" + number;
    label.textContent = text("Title");
    const input = document.createElement("input");
    input.type = "text";
    input.id = label.htmlFor;
    input.maxLength = 200;
    input.value = title;
    const notes = document.createElement("ul");
    const chosen = new Set(ids);
    const rows = new Map();
    function leaveOut(id) {
      chosen.delete(id);
      highlight([id], false);
      rows.get(id)?.remove();
      if (chosen.size < 2) dismiss();
    }
    for (const id of ids) {
      const li = document.createElement("li");
      rows.set(id, li);
      const span = document.createElement("span");
      span.textContent = noteText(id) + " ";
      const out = button(text("LeaveOut"), () => {
        leaveOut(id);
        if (item.isConnected) notes.querySelector("button")?.focus();
      });
      out.setAttribute("aria-label", text("LeaveOut") + ": " + noteText(id));
      li.append(span, out);
      notes.append(li);
    }
    const actions = document.createElement("div");
    actions.className = "actions";
    function dismiss() {
      highlight([...chosen], false);
      const hadFocus = item.contains(document.activeElement);
      const next = item.nextElementSibling || item.previousElementSibling;
      item.remove();
      if (hadFocus) (next?.querySelector("input") || form.querySelector("button")).focus();
    }
    const accept = button(acceptLabel, async () => {
      accept.disabled = true;
      const response = await fetch("/api/v1/boards/" + boardId + "/themes", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ title: input.value, note_ids: [...chosen] }),
      }).catch(() => null);
      accept.disabled = false;
      if (response && response.ok) {
        say(text("Created", { title: input.value }));
        const themed = [...chosen];
        dismiss();
        // A note now in a theme leaves the other suggestions (a duplicate may be in one).
        list.dispatchEvent(new CustomEvent("paja:themed", { detail: themed }));
        return;
      }
      const problem = response ? await response.json().catch(() => ({})) : {};
      say(problem.detail || text("Failed"));
    });
    actions.append(accept, button(text("Dismiss"), dismiss));
    item.append(h, label, input, notes, actions);
    list.addEventListener("paja:themed", (event) => {
      if (!item.isConnected) return;
      for (const id of event.detail) if (chosen.has(id)) leaveOut(id);
    });
    item.addEventListener("focusin", () => highlight([...chosen], true));
    item.addEventListener("focusout", () => highlight([...chosen], false));
    item.addEventListener("mouseenter", () => highlight([...chosen], true));
    item.addEventListener("mouseleave", () => highlight([...chosen], false));
    return item;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const column = form.querySelector("select").value;
    say(text("Working"));
    list.replaceChildren();
    const response = await fetch("/api/v1/boards/" + boardId + "/theme-suggestions", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(column ? { column_id: column } : {}),
    }).catch(() => null);
    const body = response ? await response.json().catch(() => ({})) : {};
    if (!response || !response.ok) {
      say(body.detail || text("Failed"));
      return;
    }
    let number = 0;
    for (const theme of body.themes) {
      number += 1;
      const heading = text("Suggested", { number: number }) + ": " + theme.title;
      list.append(suggestion(heading, theme.title, theme.note_ids, text("Accept"), number));
    }
    for (const group of body.duplicates) {
      number += 1;
      const title = noteText(group[0]).slice(0, 60);
      list.append(suggestion(text("Same"), title, group, text("Merge"), number));
    }
    if (!number) say(text("None"));
    else say(text("Found", { themes: body.themes.length, duplicates: body.duplicates.length }));
  });
})();
