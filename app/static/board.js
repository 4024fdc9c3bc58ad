// The live board: one WebSocket per page. Events arrive in seq order; a gap, a drop or a
// server restart makes the page reconnect with since=<last seq seen> and catch up.
// Events carry HTML rendered once on the server; this file only places it, keeping the
// keyboard focus (and any open menu or half-written text) where the person left it.
(function () {
  "use strict";

  const board = document.getElementById("board");
  if (!board) return;

  const boardId = board.dataset.boardId;
  const isFacilitator = board.dataset.role === "facilitator";
  const ownNotes = new Set(JSON.parse(board.dataset.ownNotes || "[]"));
  const votedNotes = new Set(JSON.parse(board.dataset.votedNotes || "[]"));
  // This viewer's votes per note; in a round the budget minus their sum is what is left.
  const myVotes = new Map(Object.entries(JSON.parse(board.dataset.myVotes || "{}")));
  const myReactions = new Map(
    Object.entries(JSON.parse(board.dataset.myReactions || "{}")).map(([id, names]) => [id, new Set(names)])
  );
  const connection = document.getElementById("connection");
  const announcer = document.getElementById("announcer");
  const NO_RETRY = new Set([4401, 4403, 4404, 4400, 4408]); // 4408: access ended
  const MAX_BACKOFF_MS = 10000;

  let lastSeq = Number(board.dataset.seq || 0);
  let socket = null;
  let backoff = 500;
  let pingTimer = null;
  let held = null; // frames that arrive while a note is being dragged wait here

  function setConnection(state) {
    connection.dataset.state = state;
    connection.textContent = connection.dataset["text" + state[0].toUpperCase() + state.slice(1)];
    document.body.dataset.connection = state;
    if (state === "online") connection.dispatchEvent(new Event("paja:online"));
  }

  function streamUrl() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const lang = board.dataset.lang;
    // The projector asks for what participants see, even when a facilitator opened it.
    const view = board.dataset.view ? `&view=${board.dataset.view}` : "";
    return `${scheme}//${location.host}/api/v1/boards/${boardId}/ws?since=${lastSeq}&lang=${lang}${view}`;
  }

  function connect() {
    socket = new WebSocket(streamUrl());
    socket.addEventListener("open", () => {
      backoff = 500;
      setConnection("online");
      clearInterval(pingTimer);
      pingTimer = setInterval(() => send({ type: "ping", data: { t: Date.now() } }), 25000);
      send({ type: "ping", data: { t: Date.now() } }); // its pong sets the clock offset
    });
    socket.addEventListener("message", (message) => receive(message.data));
    socket.addEventListener("close", (close) => {
      clearInterval(pingTimer);
      unanswered();
      if (NO_RETRY.has(close.code)) {
        setConnection("gone");
        return;
      }
      setConnection("offline");
      const wait = Math.min(backoff, MAX_BACKOFF_MS) * (0.75 + Math.random() / 2);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      setTimeout(connect, wait);
    });
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  // A change sent on the stream (composer.js sends notes this way): the server answers
  // it with an ack or an error carrying its ref. The promise gives that answer, or null
  // when the stream closed first; null at once means the stream is not open now.
  const asked = new Map(); // ref → resolve
  board.ask = (message) => {
    if (!socket || socket.readyState !== WebSocket.OPEN) return null;
    return new Promise((resolve) => {
      asked.set(message.ref, resolve);
      socket.send(JSON.stringify(message));
    });
  };
  function answered(reply) {
    const resolve = asked.get(reply.ref);
    asked.delete(reply.ref);
    if (resolve) resolve(reply);
  }
  function unanswered() {
    asked.forEach((resolve) => resolve(null));
    asked.clear();
  }

  function receive(text) {
    if (held) {
      held.push(text);
      return;
    }
    const payload = JSON.parse(text);
    const items = Array.isArray(payload) ? payload : [payload];
    for (const event of items) {
      if (event.type === "pong") {
        syncClock(event);
        continue;
      }
      if (event.ref !== undefined && (event.type === "ack" || event.type === "error")) {
        answered(event);
        continue;
      }
      if (event.type === "snapshot") {
        location.reload();
        return;
      }
      if (typeof event.seq !== "number" || event.seq <= lastSeq) continue;
      if (event.seq !== lastSeq + 1) {
        socket.close(4000, "gap"); // reconnecting with since= fetches what is missing
        return;
      }
      apply(event);
      lastSeq = event.seq;
    }
  }

  // A drag in progress must not have notes moved under it: hold events until the drop.
  document.addEventListener("paja:drag-start", () => {
    held = held || [];
  });
  document.addEventListener("paja:drag-end", () => {
    const waiting = held || [];
    held = null;
    waiting.forEach(receive);
  });

  function fragment(html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    withHtmx(template.content);
    return template.content.firstElementChild;
  }

  // Note cards mark their forms data-hx instead of repeating each action as hx-post (every
  // card of every event would carry it twice); htmx is told here, before it looks.
  function withHtmx(root) {
    root.querySelectorAll("form[data-hx]:not([hx-post])").forEach((form) => {
      form.setAttribute("hx-post", form.getAttribute("action"));
    });
  }
  withHtmx(document);

  function insertAt(container, element, index) {
    const siblings = Array.from(container.children).filter((child) => child !== element);
    const before = index === undefined ? null : siblings[index] || null;
    container.insertBefore(element, before);
    if (window.htmx) window.htmx.process(element);
  }

  function notesOf(list) {
    return Array.from(list.children).filter((child) => child.classList.contains("note"));
  }

  // After a move the server numbers the target column 0, 1, 2…; mirror that here.
  function renumber(list) {
    notesOf(list).forEach((note, index) => (note.dataset.position = String(index)));
  }

  function changed(lists) {
    document.dispatchEvent(new CustomEvent("paja:changed", { detail: { lists } }));
    countWithheld();
  }

  // The facilitator's counts of notes still private or waiting for approval.
  function countWithheld() {
    document.querySelectorAll("[data-count-of]").forEach((count) => {
      const state = count.dataset.countOf;
      count.textContent = String(document.querySelectorAll(`.note[data-visibility="${state}"]`).length);
    });
  }

  // A note's list: its column's, or on a grid board its cell's (column × row).
  function listOf(data) {
    return document.getElementById("notes-" + data.column_id + (data.row_id ? "-" + data.row_id : ""));
  }

  // The writer's own new note is ringed for a moment: it lands at the end of its column,
  // often below what is on screen, and the ring shows where when the writer looks.
  const justAdded = new Set();
  const RING_MS = 3000;
  function ringJustAdded(note) {
    note.classList.add("note--just-added");
    setTimeout(() => note.classList.remove("note--just-added"), RING_MS);
  }

  function placeNote(data, html, created) {
    const existing = document.getElementById("note-" + data.id);
    // A note in a theme lives inside the theme's card (when this page has the card yet).
    const inTheme = data.theme_id && document.getElementById("theme-notes-" + data.theme_id);
    const list = inTheme || listOf(data);
    if (!list) return;
    const element = fragment(html);
    const state = existing ? saveState(existing) : null;
    const from = existing ? existing.parentElement : null;
    const moved =
      !existing ||
      from !== list ||
      existing.dataset.columnId !== data.column_id ||
      (existing.dataset.rowId || "") !== (data.row_id || "") ||
      existing.dataset.position !== String(data.position);
    if (moved) {
      if (existing) existing.remove();
      insertAt(list, element, created ? undefined : data.position);
      if (!created) renumber(list);
    } else {
      existing.replaceWith(element);
      if (window.htmx) window.htmx.process(element);
    }
    decorate(element);
    changed(from && from !== list ? [from, list] : [list]);
    sumThemeVotes();
    if (state) restoreState(element, state, list);
    if (created && !ownNotes.has(data.id)) announceNewNote(data.column_id);
    if (created && justAdded.delete(data.id)) ringJustAdded(element);
    const menuFocus = Boolean(window.PajaCard && window.PajaCard.menuHolds(data.id));
    if (moved && menuFocus) document.dispatchEvent(new CustomEvent("paja:reveal", { detail: { list } }));
    if (moved && ((state && state.hadFocus) || menuFocus)) announceMove(element, list);
  }

  // What a re-rendered note should keep: the focused control, its comments opened with
  // a comment being typed, and its long text opened.
  function saveState(note) {
    const active = note.contains(document.activeElement) ? document.activeElement : null;
    const keyed = active && active.closest("[data-focus]");
    const box = note.querySelector(".comments");
    const area = box && box.querySelector("textarea");
    const text = note.querySelector(".note-text");
    return {
      hadFocus: Boolean(active),
      focusKey: keyed ? keyed.dataset.focus : null,
      commentsOpen: Boolean(box && !box.hidden),
      comment: area ? area.value : null,
      expanded: Boolean(text && text.classList.contains("is-open")),
    };
  }

  function restoreState(note, state, list) {
    if (state.commentsOpen) document.dispatchEvent(new CustomEvent("paja:open-comments", { detail: { note, text: state.comment } }));
    if (state.expanded) document.dispatchEvent(new CustomEvent("paja:expand", { detail: { note } }));
    if (!state.hadFocus) return;
    // On a phone only one column shows: follow the note to its column first.
    document.dispatchEvent(new CustomEvent("paja:reveal", { detail: { list } }));
    const target = (state.focusKey && note.querySelector(`[data-focus="${state.focusKey}"]`)) || note;
    target.focus();
  }

  // --- a card's small controls: live cards travel lean (text, meta, "⋯"); the page adds
  // the reactions, comments and vote controls here, with the counts the card carries.
  const controls = document.getElementById("card-controls");
  const commentBox = document.getElementById("card-comments");
  const reactionNames = new Map();
  const namesTemplate = document.getElementById("reaction-names");
  if (namesTemplate) {
    namesTemplate.content.querySelectorAll("[data-reaction]").forEach((name) => {
      reactionNames.set(name.dataset.reaction, { emoji: name.dataset.emoji, label: name.textContent });
    });
  }

  function fromTemplate(template, id, url) {
    const holder = document.createElement("template");
    holder.innerHTML = template.innerHTML.replaceAll("__NOTE__", id).replaceAll("__URL__", url);
    withHtmx(holder.content);
    return holder.content;
  }

  function hydrate(note) {
    if (!controls || note.querySelector(".vote-form")) return;
    const id = note.dataset.noteId;
    const menu = note.querySelector(".note-menu-button");
    if (!menu) return;
    const parts = fromTemplate(controls, id, menu.getAttribute("href"));
    note.prepend(parts.querySelector(".drag-handle"));
    menu.before(parts);
    if (!note.querySelector(".comments") && commentBox) note.append(fromTemplate(commentBox, id, ""));
    const list = note.querySelector(".comment-list");
    note.querySelector(".comment-count").textContent = list && list.children.length ? String(list.children.length) : "";
    note.querySelectorAll(".vote-count").forEach((count) => (count.textContent = note.dataset.votes || "0"));
    showReactions(note, JSON.parse(note.dataset.reactions || "{}"));
    if (window.htmx) window.htmx.process(note);
  }

  // The card's one reactions control: only the reactions given, with their counts.
  function showReactions(note, counts) {
    const control = note.querySelector(".note-react");
    if (!control) return;
    const parts = [control.querySelector(".visually-hidden")];
    for (const [name, { emoji, label }] of reactionNames) {
      const count = counts[name] || 0;
      if (!count) continue;
      const used = document.createElement("span");
      used.className = "reaction-used";
      used.dataset.reaction = name;
      used.innerHTML = '<span aria-hidden="true"></span><span class="visually-hidden"></span> <span class="reaction-count"></span>';
      used.children[0].textContent = emoji;
      used.children[1].textContent = " " + label;
      used.children[2].textContent = String(count);
      parts.push(used);
    }
    if (parts.length === 1) {
      const none = document.createElement("span");
      none.setAttribute("aria-hidden", "true");
      none.textContent = "☺";
      parts.push(none);
    }
    control.replaceChildren(...parts);
  }

  // The viewer's own marks on a card that is the same for everyone: their notes, votes,
  // reactions, the facilitator's selection for a theme, and the discussion-group filter.
  function decorate(note) {
    hydrate(note);
    const id = note.dataset.noteId;
    const mine = isFacilitator || ownNotes.has(id);
    note.classList.toggle("note--mine", mine);
    note.classList.toggle("note--own", ownNotes.has(id));
    const given = myReactions.get(id) || new Set();
    note.querySelectorAll(".reaction-used").forEach((used) => {
      used.classList.toggle("is-mine", given.has(used.dataset.reaction));
    });
    const filter = board.dataset.groupFilter || "";
    note.hidden = Boolean(filter) && note.dataset.discussionGroupId !== filter;
    decorateVoting(note, id);
    // The projector shows the counts, not the controls.
    if (board.dataset.view === "public") note.querySelectorAll(".note-foot").forEach((foot) => (foot.inert = true));
    document.dispatchEvent(new CustomEvent("paja:decorate", { detail: { note } }));
  }

  // What the page's other scripts ask about this viewer (board-card.js, composer.js).
  window.PajaBoard = {
    mine: (id) => isFacilitator || ownNotes.has(id),
    reactions: (id) => myReactions.get(id) || new Set(),
    isFacilitator,
  };

  // --- voting rounds: the rules come from the #voting section the last event drew ---
  function votingRules() {
    const section = document.getElementById("voting");
    if (!section) return { state: "free", budget: 0, maxPerNote: 1, hidden: false, section: null };
    const data = section.dataset;
    return {
      state: data.state,
      budget: Number(data.budget),
      maxPerNote: Number(data.maxPerNote),
      hidden: data.hideResults === "true",
      section,
    };
  }

  function votesLeft(rules) {
    let used = 0;
    myVotes.forEach((count) => (used += count));
    return Math.max(rules.budget - used, 0);
  }

  // Why this viewer cannot add a vote to the note now, or "" (the server refuses too).
  function voteRefusal(rules, mine) {
    const text = rules.section ? rules.section.dataset : {};
    if (rules.state === "closed") return text.textNoRound || "";
    if (rules.state !== "open" || (rules.maxPerNote === 1 && mine > 0)) return "";
    if (votesLeft(rules) === 0) return (text.textBudgetUsed || "").replace("{budget}", rules.budget);
    if (mine >= rules.maxPerNote) return (text.textNoteFull || "").replace("{count}", rules.maxPerNote);
    return "";
  }

  function markDisabled(button, reason) {
    if (!button) return;
    if (reason) {
      button.setAttribute("aria-disabled", "true");
      button.title = reason;
    } else {
      button.removeAttribute("aria-disabled");
      button.removeAttribute("title");
    }
  }

  // The vote button toggles this viewer's vote; in a round that allows several votes on
  // one note it adds one, and a "−" beside it takes one back.
  function decorateVoting(note, id) {
    const rules = votingRules();
    const mine = myVotes.get(id) || 0;
    const stack = board.dataset.voteStack === "true";
    const voted = votedNotes.has(id) || mine > 0;
    const button = note.querySelector("button.vote");
    if (!button) return;
    const reason = voteRefusal(rules, mine);
    button.setAttribute("aria-pressed", voted ? "true" : "false");
    button.value = stack || !voted ? "true" : "false";
    markDisabled(button, reason);
    const form = button.form;
    let remove = form.querySelector("button.vote-remove");
    let count = form.querySelector(".my-vote-count");
    let why = form.querySelector(".vote-refusal");
    if (stack && !remove) {
      remove = document.createElement("button");
      remove.type = "submit";
      remove.name = "on";
      remove.value = "false";
      remove.className = "vote-remove";
      remove.dataset.focus = "vote-remove";
      remove.innerHTML = '<span aria-hidden="true">−</span><span class="visually-hidden"></span>';
      remove.lastChild.textContent = board.dataset.textRemoveVote || "";
      count = document.createElement("span");
      count.className = "my-votes";
      count.innerHTML = '<span class="visually-hidden"></span><span class="my-vote-count"></span>';
      count.firstChild.textContent = (board.dataset.textYourVotes || "") + " ";
      form.append(count, remove);
      count = count.querySelector(".my-vote-count");
    } else if (!stack && remove) {
      remove.remove();
      form.querySelector(".my-votes").remove();
      count = null;
    }
    if (count) count.textContent = String(mine);
    if (remove && (mine === 0 || rules.state === "closed")) remove.setAttribute("aria-disabled", "true");
    else if (remove) remove.removeAttribute("aria-disabled");
    if (reason && !why) {
      why = document.createElement("span");
      why.className = "vote-refusal visually-hidden";
      why.id = "vote-refusal-" + id;
      form.append(why);
      button.setAttribute("aria-describedby", why.id);
    }
    if (why) why.textContent = reason;
  }

  function showVotesLeft() {
    const rules = votingRules();
    const line = document.getElementById("votes-left");
    if (line && rules.section) {
      line.textContent = (rules.section.dataset.textVotesLeft || "")
        .replace("{left}", String(votesLeft(rules)))
        .replace("{budget}", String(rules.budget));
    }
  }

  function decorateAll() {
    document.querySelectorAll(".note").forEach(decorate);
    showVotesLeft();
  }

  function setMyVotes(id, mine) {
    if (mine > 0) myVotes.set(id, mine);
    else myVotes.delete(id);
    if (mine > 0) votedNotes.add(id);
    else votedNotes.delete(id);
  }

  function showCounts(votes) {
    document.querySelectorAll(".vote-count").forEach((count) => {
      if (votes === null) count.textContent = "–";
      else if (count.dataset.noteId in votes) count.textContent = votes[count.dataset.noteId];
      const note = count.closest(".note");
      if (note) note.dataset.votes = count.textContent;
    });
  }

  function say(text) {
    announcer.textContent = "";
    setTimeout(() => (announcer.textContent = text), 50);
  }

  function columnTitle(columnId) {
    const title = document.getElementById("column-title-" + columnId);
    return title ? title.textContent.trim() : "";
  }

  function announceNewNote(columnId) {
    say(board.dataset.textNewNote.replace("{column}", columnTitle(columnId)));
  }

  function announceMove(note, list) {
    const notes = notesOf(list);
    const text = board.dataset.textMoved || "";
    say(
      text
        .replace("{column}", columnTitle(note.dataset.columnId))
        .replace("{place}", String(notes.indexOf(note) + 1))
        .replace("{count}", String(notes.length))
    );
  }

  function removeNote(id) {
    const note = document.getElementById("note-" + id);
    if (!note) return;
    const list = note.parentElement;
    const hadFocus = note.contains(document.activeElement);
    const next = note.nextElementSibling || note.previousElementSibling;
    note.remove();
    changed([list]);
    sumThemeVotes();
    if (!hadFocus) return;
    const column = list.closest(".cell, .column");
    const fallback = column && column.querySelector(".note-form textarea");
    (next || fallback || list).focus();
  }

  // A theme's card shows the sum of its notes' votes; recount it from the notes it holds.
  function sumThemeVotes() {
    document.querySelectorAll(".theme-card").forEach((theme) => {
      let sum = 0;
      let hidden = false; // "–": a voting round hides the counts until it closes
      theme.querySelectorAll(".note").forEach((note) => {
        const votes = note.dataset.votes || "0";
        hidden = hidden || votes === "–";
        sum += Number(votes) || 0;
      });
      const total = theme.querySelector(".theme-vote-count");
      if (total) total.textContent = hidden ? "–" : String(sum);
    });
  }

  // theme.created / theme.updated: the card arrives with its notes inside; the notes'
  // old elements (loose, or in another column) go, and focus stays on the card.
  function placeTheme(data, html) {
    const list = document.getElementById("themes-" + data.column_id);
    if (!list) return;
    const existing = document.getElementById("theme-" + data.id);
    const active = document.activeElement;
    const keyed = active && active.closest("[data-focus]");
    const hadFocus = Boolean(existing && existing.contains(active));
    for (const id of data.note_ids) {
      const note = document.getElementById("note-" + id);
      if (note && !(existing && existing.contains(note))) {
        const from = note.parentElement;
        note.remove();
        if (from.classList.contains("notes")) renumber(from);
      }
    }
    const element = fragment(html);
    if (existing) {
      existing.replaceWith(element);
      if (window.htmx) window.htmx.process(element);
    } else {
      insertAt(list, element);
    }
    element.querySelectorAll(".note").forEach(decorate);
    changed(null);
    sumThemeVotes();
    if (hadFocus) {
      const key = keyed && keyed.dataset.focus;
      const target = (key && element.querySelector(`[data-focus="${key}"]`)) || element;
      if (!target.hasAttribute("tabindex") && target === element) element.tabIndex = -1;
      target.focus();
    }
  }

  // theme.deleted: the card goes; the note.updated events that follow put its notes back.
  function removeTheme(data) {
    const theme = document.getElementById("theme-" + data.id);
    if (!theme) return;
    const hadFocus = theme.contains(document.activeElement);
    const column = theme.closest(".column");
    theme.remove();
    changed(null);
    if (hadFocus && column) {
      const next = column.querySelector(".notes .note") || column.querySelector(".note-form textarea");
      if (next) next.focus();
    }
  }

  const handlers = {
    "theme.created": (event) => placeTheme(event.data, event.html),
    "theme.updated": (event) => placeTheme(event.data, event.html),
    "theme.deleted": (event) => removeTheme(event.data),
    "note.created": (event) => {
      placeNote(event.data, event.html, true);
      countDiscussionGroupNote(event.data.discussion_group_id, 1);
    },
    "note.updated": (event) => placeNote(event.data, event.html, false),
    "note.deleted": (event) => {
      const note = document.getElementById("note-" + event.data.id);
      if (note) countDiscussionGroupNote(note.dataset.discussionGroupId, -1);
      removeNote(event.data.id);
      if (myVotes.delete(event.data.id)) decorateAll(); // its votes went with it
    },
    // A note this viewer may not see (private writing, waiting for approval, hidden).
    "note.withheld": (event) => removeNote(event.data.id),
    "notes.revealed": (event) => {
      const template = document.createElement("template");
      template.innerHTML = event.html;
      const cards = new Map(Array.from(template.content.children).map((card) => [card.id, card]));
      for (const note of event.data.notes) {
        const card = cards.get("note-" + note.id);
        const shown = document.getElementById("note-" + note.id);
        if (shown) {
          // Its author (or a facilitator) has it already, with its tools: now it is public.
          shown.classList.remove("note--private");
          shown.dataset.visibility = "public";
          const badge = shown.querySelector(".note-visibility");
          if (badge) badge.remove();
        } else if (card) {
          placeNote(note, card.outerHTML, true);
        }
      }
      countWithheld();
    },
    "comment.created": (event) => {
      const list = document.getElementById("comments-" + event.data.note_id);
      if (list && !document.getElementById("comment-" + event.data.id)) {
        list.appendChild(fragment(event.html));
        const count = list.closest(".note").querySelector(".comment-count");
        if (count) count.textContent = String(list.children.length);
      }
    },
    "vote.changed": (event) => {
      const counts = document.querySelectorAll(`.vote-count[data-note-id="${event.data.note_id}"]`);
      const shown = event.data.votes === null ? "–" : event.data.votes;
      counts.forEach((count) => (count.textContent = shown));
      const voted = document.getElementById("note-" + event.data.note_id);
      if (voted) voted.dataset.votes = String(shown);
      sumThemeVotes();
      // Only the voter's own copy of the event says how many votes are theirs.
      if (typeof event.data.mine === "number") {
        setMyVotes(event.data.note_id, event.data.mine);
        decorateAll();
      }
    },
    "voting.changed": (event) => {
      const section = document.getElementById("voting");
      const fresh = fragment(event.html);
      if (section) {
        const open = section.querySelector("details[open]");
        const focused = section.contains(document.activeElement) && document.activeElement.dataset.focus;
        section.replaceWith(fresh);
        if (window.htmx) window.htmx.process(fresh);
        if (open) fresh.querySelector("details").open = true;
        const target = focused && fresh.querySelector(`[data-focus="${focused}"]`);
        if (target) target.focus();
      }
      const rules = event.data.voting;
      board.dataset.voting = rules.state;
      board.dataset.voteStack = rules.state !== "free" && rules.max_per_note > 1 ? "true" : "false";
      if (rules.state === "open") {
        myVotes.clear(); // a new round starts with every vote cleared
        votedNotes.clear();
      }
      showCounts(event.data.votes);
      decorateAll();
    },
    "column.sorted": (event) => {
      // Each list (the column's, or on a grid board each cell's) keeps its own notes.
      const focused = document.activeElement;
      const listed = event.data.note_ids.map((id) => document.getElementById("note-" + id)).filter(Boolean);
      const lists = new Set(listed.map((note) => note.parentElement).filter((list) => list.classList.contains("notes")));
      lists.forEach((list) => {
        const own = listed.filter((note) => note.parentElement === list);
        const rest = notesOf(list).filter((note) => !own.includes(note));
        [...own, ...rest].forEach((note) => list.appendChild(note));
        renumber(list);
      });
      changed(Array.from(lists));
      if (focused && document.contains(focused)) focused.focus();
    },
    "column.created": (event) => {
      const columns = document.getElementById("columns");
      if (!document.getElementById("column-" + event.data.id)) {
        insertAt(columns, fragment(event.html), event.data.position);
        changed(null);
      }
    },
    "column.updated": (event) => {
      const header = document.getElementById("column-header-" + event.data.id);
      if (header) header.replaceWith(fragment(event.html));
      const column = document.getElementById("column-" + event.data.id);
      if (column) insertAt(document.getElementById("columns"), column, event.data.position);
      changed(null);
    },
    "row.created": (event) => placeRowCells(event),
    "row.updated": (event) => {
      for (const header of Array.from(fragment(event.html).children)) {
        const old = document.getElementById(header.id);
        if (old) old.replaceWith(header);
      }
      document.querySelectorAll(`.cell[data-row-id="${event.data.id}"]`).forEach((cell) => {
        cell.dataset.position = String(event.data.position);
        insertAt(cell.parentElement, cell, event.data.position);
      });
      changed(null);
    },
    "row.deleted": (event) => {
      document.querySelectorAll(`.cell[data-row-id="${event.data.id}"]`).forEach((cell) => cell.remove());
      if (!event.data.rows_left) {
        // The last row went (it had no notes): each column gets its plain list and form back.
        for (const body of Array.from(fragment(event.html).children)) {
          const cells = document.getElementById("cells-" + body.dataset.columnId);
          if (cells) cells.replaceWith(...body.childNodes);
          const column = document.getElementById("column-" + body.dataset.columnId);
          if (column) {
            column.classList.remove("column--grid");
            if (window.htmx) window.htmx.process(column);
          }
        }
      }
      changed(null);
    },
    "board.updated": (event) => {
      const header = document.getElementById("board-header");
      if (header) header.replaceWith(fragment(event.html));
      board.dataset.status = event.data.status;
      changed(null);
    },
    "timer.changed": (event) => {
      const timer = document.getElementById("timer");
      if (timer) timer.replaceWith(fragment(event.html));
      document.dispatchEvent(new CustomEvent("paja:timer"));
    },
    "reaction.changed": (event) => {
      const note = document.getElementById("note-" + event.data.note_id);
      if (!note) return;
      note.dataset.reactions = JSON.stringify(event.data.reactions);
      showReactions(note, event.data.reactions);
      decorate(note);
    },
    "participants.progress": (event) => showProgress(event),
    "discussion_groups.changed": (event) => showProgress(event),
    "board.follow": (event) => {
      board.dataset.follow = event.data.column_id || "";
      follow(event.data.column_id);
    },
  };

  // A new row: a cell in every column. When it is the board's first, the notes already
  // in a column move into that column's new cell, as they did on the server.
  function placeRowCells(event) {
    for (const cell of Array.from(fragment(event.html).children)) {
      if (document.getElementById(cell.id)) continue;
      const column = document.getElementById("column-" + cell.dataset.columnId);
      if (!column) continue;
      let cells = document.getElementById("cells-" + cell.dataset.columnId);
      if (!cells) {
        cells = document.createElement("div");
        cells.className = "cells";
        cells.id = "cells-" + cell.dataset.columnId;
        const plain = document.getElementById("notes-" + cell.dataset.columnId);
        const list = cell.querySelector(".notes");
        if (plain) {
          notesOf(plain).forEach((note) => {
            note.dataset.rowId = event.data.id;
            list.appendChild(note);
          });
          plain.remove();
        }
        const form = column.querySelector(":scope > .note-form");
        if (form) form.remove();
        column.appendChild(cells);
        column.classList.add("column--grid");
      }
      insertAt(cells, cell, event.data.position);
    }
    changed(null);
  }

  // The server's clock minus this one, from a pong: half the round trip is the best guess
  // of when the server read its clock. sharing.js counts the timer down with it.
  function syncClock(pong) {
    const sent = pong.data && pong.data.t;
    const server = Date.parse(pong.server_time || "");
    if (typeof sent !== "number" || Number.isNaN(server)) return;
    const now = Date.now();
    const offset = server + (now - sent) / 2 - now;
    document.dispatchEvent(new CustomEvent("paja:clock", { detail: { offset } }));
  }

  // Progress and discussion groups: the facilitator's table is replaced; everyone's menus
  // of discussion groups and the group names on notes follow renames and removals.
  function showProgress(event) {
    const table = document.getElementById("progress");
    if (table) table.replaceWith(fragment(event.html));
    const groups = event.data.discussion_groups;
    const names = new Map(groups.map((group) => [group.id, group.name]));
    document.querySelectorAll("select.discussion-group-options").forEach((select) => {
      const chosen = select.value;
      const none = new Option(select.dataset.none || "", "");
      select.replaceChildren(none, ...groups.map((group) => new Option(group.name, group.id)));
      select.value = names.has(chosen) ? chosen : "";
    });
    document.querySelectorAll(".note-discussion-group").forEach((label) => {
      const name = names.get(label.dataset.discussionGroupId);
      if (name === undefined) label.remove();
      else label.querySelector(".note-discussion-group-name").textContent = name;
    });
    if (board.dataset.groupFilter && !names.has(board.dataset.groupFilter)) setFilter("");
  }

  function countDiscussionGroupNote(groupId, step) {
    const cell = groupId && document.querySelector(`[data-discussion-group-notes="${groupId}"]`);
    if (cell) cell.textContent = String(Number(cell.textContent) + step);
  }

  // The group filter: with JavaScript the menu filters at once, and the address keeps it.
  function setFilter(groupId) {
    board.dataset.groupFilter = groupId;
    document.querySelectorAll(".note").forEach(decorate);
    const address = new URL(location.href);
    if (groupId) address.searchParams.set("group", groupId);
    else address.searchParams.delete("group");
    history.replaceState(null, "", address);
  }
  const groupFilter = document.getElementById("group-filter");
  if (groupFilter) {
    groupFilter.addEventListener("change", () => setFilter(groupFilter.value));
    const submit = document.querySelector(".group-filter-submit");
    if (submit) submit.hidden = true;
  }

  // Follow me: the view goes to the column the facilitator shows, unless this person
  // unticked "Follow the facilitator" (remembered on this device).
  const FOLLOW_KEY = "paja:follow:" + boardId;
  const followBox = document.getElementById("follow-facilitator");
  function following() {
    if (isFacilitator) return false;
    try {
      return localStorage.getItem(FOLLOW_KEY) !== "off";
    } catch (_error) {
      return true;
    }
  }
  if (followBox && !isFacilitator) {
    followBox.closest(".follow-toggle").hidden = false;
    followBox.checked = following();
    followBox.addEventListener("change", () => {
      try {
        localStorage.setItem(FOLLOW_KEY, followBox.checked ? "on" : "off");
      } catch (_error) {
        /* private mode: the choice lasts for this page only */
      }
      if (followBox.checked) follow(board.dataset.follow);
    });
  }
  function follow(columnId) {
    // The projector has no tick box and always follows; a facilitator's own board does not.
    if (!columnId || (followBox && (isFacilitator || !followBox.checked))) return;
    const column = document.getElementById("column-" + columnId);
    if (!column) return;
    const list = document.getElementById("notes-" + columnId);
    document.dispatchEvent(new CustomEvent("paja:reveal", { detail: { list } }));
    const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    column.scrollIntoView({ behavior: still ? "auto" : "smooth", block: "nearest", inline: "start" });
  }
  // After board-move.js (loaded after this file) listens for paja:reveal.
  document.addEventListener("DOMContentLoaded", () => follow(board.dataset.follow));

  // Every applied event is told to the page (toolbar.js follows live state with it).
  function apply(event) {
    const handler = handlers[event.type];
    if (handler) handler(event);
    document.dispatchEvent(new CustomEvent("paja:event", { detail: event }));
  }

  // The server tells htmx which note this person just wrote or voted on.
  document.body.addEventListener("paja:own-note", (event) => {
    ownNotes.add(event.detail.id);
    const note = document.getElementById("note-" + event.detail.id);
    if (note) {
      decorate(note);
      ringJustAdded(note);
    } else justAdded.add(event.detail.id); // its event is still on the way
    say(board.dataset.textNoteAdded || "");
    document.dispatchEvent(new CustomEvent("paja:sent", { detail: event.detail }));
  });
  document.body.addEventListener("paja:reacted", (event) => {
    myReactions.set(event.detail.id, new Set(event.detail.mine));
    const note = document.getElementById("note-" + event.detail.id);
    if (note) decorate(note);
  });
  document.body.addEventListener("paja:done", (event) => {
    const button = document.getElementById("done-button");
    if (!button) return;
    button.setAttribute("aria-pressed", event.detail.done ? "true" : "false");
    button.textContent = event.detail.done ? button.dataset.textDone : button.dataset.textNotDone;
    button.form.querySelector("input[name=on]").value = event.detail.done ? "false" : "true";
    const summary = document.querySelector(".my-controls-button");
    if (summary) summary.classList.toggle("is-done", Boolean(event.detail.done));
  });
  document.body.addEventListener("paja:voted", (event) => {
    if (typeof event.detail.mine === "number") setMyVotes(event.detail.id, event.detail.mine);
    else if (event.detail.voted) votedNotes.add(event.detail.id);
    else votedNotes.delete(event.detail.id);
    decorateAll();
  });

  // A note that could not be sent (offline, server restarting) stays in its form, with
  // its key, and is sent again when the connection returns; the key makes the server
  // answer a repeat with the note it already has instead of a duplicate. A server that
  // answers 503 (busy) is asked again after the Retry-After it gives.
  function resendPending() {
    document.querySelectorAll("form.note-form[data-pending]").forEach((form) => {
      delete form.dataset.pending;
      if (window.htmx) window.htmx.trigger(form, "submit");
    });
  }
  function holdForLater(form) {
    form.dataset.pending = "true";
    const notice = form.querySelector(".pending-note");
    if (notice) notice.hidden = false;
  }
  document.body.addEventListener("htmx:sendError", (event) => {
    const form = event.detail.elt && event.detail.elt.closest("form.note-form");
    if (form) holdForLater(form);
  });
  // A busy server's note goes again after the wait it asked for, by whichever door is
  // open then (composer.js sends it on the stream when it can). The same for a 503 to a
  // form post and to a note sent on the stream (board.retryLater).
  function retryLater(form, retryAfter) {
    holdForLater(form);
    const seconds = Number(retryAfter);
    const wait = Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 60) : 2;
    setTimeout(() => {
      if (!document.contains(form) || !form.dataset.pending) return;
      delete form.dataset.pending;
      if (window.htmx) window.htmx.trigger(form, "submit");
    }, wait * 1000 * (1 + Math.random() / 4));
  }
  board.retryLater = retryLater;
  document.body.addEventListener("htmx:responseError", (event) => {
    const form = event.detail.elt && event.detail.elt.closest("form.note-form");
    const xhr = event.detail.xhr;
    if (!form || !xhr || xhr.status !== 503) return;
    retryLater(form, xhr.getResponseHeader("Retry-After"));
  });
  window.addEventListener("online", resendPending);
  connection.addEventListener("paja:online", resendPending);

  decorateAll();
  // The page itself is this viewer's snapshot: tell listeners it has been applied.
  document.dispatchEvent(new CustomEvent("paja:snapshot", { detail: { seq: lastSeq } }));
  connect();
})();
