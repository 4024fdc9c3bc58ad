// The live board: one WebSocket per page. Events arrive in seq order; a gap, a drop or a
// server restart makes the page reconnect with since=<last seq seen> and catch up.
// Events carry HTML rendered once on the server; this file only places it.
(function () {
  "use strict";

  const board = document.getElementById("board");
  if (!board) return;

  const boardId = board.dataset.boardId;
  const isFacilitator = board.dataset.role === "facilitator";
  const ownNotes = new Set(JSON.parse(board.dataset.ownNotes || "[]"));
  const votedNotes = new Set(JSON.parse(board.dataset.votedNotes || "[]"));
  const connection = document.getElementById("connection");
  const announcer = document.getElementById("announcer");
  const NO_RETRY = new Set([4401, 4403, 4404, 4400]);
  const MAX_BACKOFF_MS = 10000;

  let lastSeq = Number(board.dataset.seq || 0);
  let socket = null;
  let backoff = 500;
  let pingTimer = null;

  function setConnection(state) {
    connection.dataset.state = state;
    connection.textContent = connection.dataset["text" + state[0].toUpperCase() + state.slice(1)];
    document.body.dataset.connection = state;
  }

  function streamUrl() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const lang = board.dataset.lang;
    return `${scheme}//${location.host}/api/v1/boards/${boardId}/ws?since=${lastSeq}&lang=${lang}`;
  }

  function connect() {
    socket = new WebSocket(streamUrl());
    socket.addEventListener("open", () => {
      backoff = 500;
      setConnection("online");
      clearInterval(pingTimer);
      pingTimer = setInterval(() => send({ type: "ping" }), 25000);
    });
    socket.addEventListener("message", (message) => receive(message.data));
    socket.addEventListener("close", (close) => {
      clearInterval(pingTimer);
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

  function receive(text) {
    const payload = JSON.parse(text);
    const items = Array.isArray(payload) ? payload : [payload];
    for (const event of items) {
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

  function fragment(html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    const element = template.content.firstElementChild;
    return element;
  }

  function insertAt(container, element, index) {
    const siblings = Array.from(container.children).filter((child) => child !== element);
    const before = index === undefined ? null : siblings[index] || null;
    container.insertBefore(element, before);
    if (window.htmx) window.htmx.process(element);
  }

  function placeNote(data, html, created) {
    const existing = document.getElementById("note-" + data.id);
    const list = document.getElementById("notes-" + data.column_id);
    if (!list) return;
    const element = fragment(html);
    const keepOpen = existing && existing.contains(document.activeElement);
    if (existing) existing.remove();
    insertAt(list, element, created ? undefined : data.position);
    decorate(element);
    if (keepOpen) element.focus();
    if (created && !ownNotes.has(data.id)) announce(data.column_id);
  }

  function decorate(note) {
    const id = note.dataset.noteId;
    const owner = note.querySelector(".owner-actions");
    if (owner) owner.hidden = !(isFacilitator || ownNotes.has(id));
    const voted = votedNotes.has(id);
    const button = note.querySelector("button.vote");
    const field = note.querySelector(".vote-form input[name=on]");
    if (button) button.setAttribute("aria-pressed", voted ? "true" : "false");
    if (field) field.value = voted ? "false" : "true";
  }

  function announce(columnId) {
    const title = document.getElementById("column-title-" + columnId);
    const text = board.dataset.textNewNote.replace("{column}", title ? title.textContent : "");
    announcer.textContent = "";
    setTimeout(() => (announcer.textContent = text), 50);
  }

  const handlers = {
    "note.created": (event) => placeNote(event.data, event.html, true),
    "note.updated": (event) => placeNote(event.data, event.html, false),
    "note.deleted": (event) => {
      const note = document.getElementById("note-" + event.data.id);
      if (note) note.remove();
    },
    "comment.created": (event) => {
      const list = document.getElementById("comments-" + event.data.note_id);
      if (list && !document.getElementById("comment-" + event.data.id)) {
        list.appendChild(fragment(event.html));
      }
    },
    "vote.changed": (event) => {
      const count = document.querySelector(`.vote-count[data-note-id="${event.data.note_id}"]`);
      if (count) count.textContent = event.data.votes;
    },
    "column.created": (event) => {
      const columns = document.getElementById("columns");
      if (!document.getElementById("column-" + event.data.id)) {
        insertAt(columns, fragment(event.html), event.data.position);
      }
    },
    "column.updated": (event) => {
      const header = document.getElementById("column-header-" + event.data.id);
      if (header) header.replaceWith(fragment(event.html));
      const column = document.getElementById("column-" + event.data.id);
      if (column) insertAt(document.getElementById("columns"), column, event.data.position);
    },
    "board.updated": (event) => {
      const header = document.getElementById("board-header");
      if (header) header.replaceWith(fragment(event.html));
      board.dataset.status = event.data.status;
    },
  };

  function apply(event) {
    const handler = handlers[event.type];
    if (handler) handler(event);
  }

  // The server tells htmx which note this person just wrote or voted on.
  document.body.addEventListener("paja:own-note", (event) => {
    ownNotes.add(event.detail.id);
    const note = document.getElementById("note-" + event.detail.id);
    if (note) decorate(note);
  });
  document.body.addEventListener("paja:voted", (event) => {
    if (event.detail.voted) votedNotes.add(event.detail.id);
    else votedNotes.delete(event.detail.id);
    const note = document.getElementById("note-" + event.detail.id);
    if (note) decorate(note);
  });

  connect();
})();
