// The add control at the top of each column: the draft is kept in this browser (per board
// and column) until the server has the note, so a reload or a dropped connection loses
// nothing; Ctrl+Enter (Cmd+Enter) sends; a counter appears near the length limit.
(function () {
  "use strict";

  const board = document.getElementById("board");
  if (!board) return;
  const boardId = board.dataset.boardId;
  const limit = Number(board.dataset.maxNote) || 5000;
  const near = Math.max(100, Math.round(limit / 10));

  function key(form) {
    return `paja:draft:${boardId}:${form.dataset.draftKey}`;
  }

  // The draft keeps the form's client key with its text: a draft restored after a reload
  // that cut a send short goes out under the same key, so the server stores it once.
  function clientKeyOf(form) {
    return form.querySelector("input[name=client_key]");
  }

  function keep(form, text) {
    const clientKey = clientKeyOf(form);
    try {
      if (text.trim()) localStorage.setItem(key(form), JSON.stringify({ text, key: clientKey ? clientKey.value : "" }));
      else localStorage.removeItem(key(form));
    } catch (_error) {
      /* private mode or full storage: the draft lives in the field only */
    }
  }

  function kept(form) {
    try {
      const raw = localStorage.getItem(key(form)) || "";
      if (!raw.startsWith("{")) return { text: raw, key: "" };
      const draft = JSON.parse(raw);
      return { text: String(draft.text || ""), key: String(draft.key || "") };
    } catch (_error) {
      return { text: "", key: "" };
    }
  }

  function freshKey() {
    const bytes = crypto.getRandomValues(new Uint8Array(12));
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  function count(form) {
    const area = form.querySelector("textarea");
    const counter = form.querySelector(".note-counter");
    if (!area || !counter) return;
    const left = limit - area.value.length;
    counter.textContent = left <= near ? (board.dataset.textCharsLeft || "{left}").replace("{left}", String(left)) : "";
    counter.classList.toggle("is-over", left < 0);
  }

  function restore(form) {
    const area = form.querySelector("textarea");
    if (!area || area.value) return;
    const { text, key: sentKey } = kept(form);
    if (!text) return;
    area.value = text;
    const clientKey = clientKeyOf(form);
    if (clientKey && sentKey) {
      clientKey.value = sentKey;
      form.dataset.restoredText = text;
    }
    form.classList.add("has-draft");
    count(form);
  }

  function forms(root) {
    const found = Array.from(root.querySelectorAll ? root.querySelectorAll("form.note-form[data-draft-key]") : []);
    if (root instanceof Element && root.matches("form.note-form[data-draft-key]")) found.push(root);
    return found;
  }

  document.addEventListener("input", (event) => {
    const area = event.target;
    const form = area instanceof HTMLTextAreaElement && area.closest("form.note-form[data-draft-key]");
    if (!form) return;
    if (form.dataset.restoredText !== undefined && area.value !== form.dataset.restoredText) {
      // Rewritten after a restore: a new text is a new note, under a key of its own.
      delete form.dataset.restoredText;
      const clientKey = clientKeyOf(form);
      if (clientKey) clientKey.value = freshKey();
    }
    keep(form, area.value);
    count(form);
  });

  // A note goes out on the board's open stream (board.ask): for the server about a third
  // of the work of a form post, which is what lets a whole room press Enter at once. The form
  // post stays the way when the stream is closed, the note too long for one frame, or no
  // answer comes in time; the client key makes the server store the note once either way.
  // The server answers within PAJA_WRITE_WAIT_SECONDS (10 s) or refuses with 503, so
  // a longer silence means the stream broke without closing.
  const ANSWER_WAIT_MS = 15000;
  const SLOW_ANSWER_MS = 2000; // then the form says the note is not sent yet
  const maxFrame = Number(board.dataset.maxFrame) || 0;

  function noteFrame(form) {
    const data = {};
    new FormData(form).forEach((value, name) => {
      if (value !== "") data[name] = String(value);
    });
    const frame = { type: "note.create", ref: data.client_key || freshKey(), data };
    return new TextEncoder().encode(JSON.stringify(frame)).length <= maxFrame ? frame : null;
  }

  function postForm(form) {
    form.dataset.viaForm = "true";
    if (window.htmx) window.htmx.trigger(form, "submit");
    else form.submit();
  }

  function showError(form, text) {
    const area = form.querySelector("textarea");
    let error = form.querySelector(".field-error");
    if (!text) {
      if (error) error.remove();
      area.removeAttribute("aria-invalid");
      area.removeAttribute("aria-describedby");
      return;
    }
    if (!error) {
      error = document.createElement("p");
      error.className = "field-error";
      error.setAttribute("role", "alert");
      error.id = `note-error-${form.dataset.draftKey}`;
      area.after(error);
    }
    error.textContent = text;
    area.setAttribute("aria-invalid", "true");
    area.setAttribute("aria-describedby", error.id);
  }

  // Stored: the form empties for the next note (unless its writer has gone on typing),
  // under a new key; the page marks the note as this person's, as after a form post.
  function stored(form, frame, note) {
    const area = form.querySelector("textarea");
    showError(form, "");
    delete form.dataset.restoredText;
    const clientKey = clientKeyOf(form);
    if (clientKey) clientKey.value = freshKey();
    if (area.value === frame.data.text) area.value = "";
    keep(form, area.value);
    count(form);
    sayDone(form);
    document.body.dispatchEvent(new CustomEvent("paja:own-note", { detail: { id: note.id } }));
  }

  // The hint under the field says "Your note was added" for a few seconds (screen
  // readers hear it from the page's announcer already; the hint is not a live region).
  const DONE_MS = 4000;
  function sayDone(form) {
    const hint = form.querySelector(".note-form-hint");
    if (!hint || !board.dataset.textNoteAdded) return;
    hint.dataset.usual = hint.dataset.usual || hint.textContent;
    hint.textContent = `✓ ${board.dataset.textNoteAdded}`;
    hint.classList.add("is-done");
    clearTimeout(Number(hint.dataset.timer));
    hint.dataset.timer = String(
      setTimeout(() => {
        hint.textContent = hint.dataset.usual;
        hint.classList.remove("is-done");
      }, DONE_MS)
    );
  }

  function refused(form, answer) {
    // The server is busy: the note waits in its form and goes again when told.
    if (answer.status === 503 && board.retryLater) board.retryLater(form, answer.retry_after);
    else showError(form, answer.detail);
  }

  // The button is disabled while the note is out, which drops its focus: the writer
  // goes on in the text field, as after a form post, unless they have moved on.
  function refocus(form) {
    const active = document.activeElement;
    if (!active || active === document.body || form.contains(active)) form.querySelector("textarea").focus();
  }

  async function sendOnStream(form, frame, asking) {
    const button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    form.dataset.sending = "true";
    const notice = form.querySelector(".pending-note");
    const slow = setTimeout(() => notice && (notice.hidden = false), SLOW_ANSWER_MS);
    let timer;
    const late = new Promise((resolve) => (timer = setTimeout(() => resolve(null), ANSWER_WAIT_MS)));
    const answer = await Promise.race([asking, late]);
    clearTimeout(timer);
    clearTimeout(slow);
    if (notice && answer) notice.hidden = true;
    if (button) button.disabled = false;
    delete form.dataset.sending;
    if (!answer) return postForm(form);
    if (answer.type === "ack") stored(form, frame, answer.data);
    else refused(form, answer);
    refocus(form);
  }

  // Capturing on the document, this runs before htmx's own listener on the form.
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.matches("form.note-form[data-draft-key]")) return;
      if (form.dataset.viaForm) {
        delete form.dataset.viaForm;
        return;
      }
      if (form.dataset.sending) {
        event.preventDefault(); // pressed twice: the first send is still out
        event.stopImmediatePropagation();
        return;
      }
      const frame = navigator.onLine === false ? null : noteFrame(form);
      const asking = frame && board.ask ? board.ask(frame) : null;
      if (!asking) return; // the form posts as it always has
      event.preventDefault();
      event.stopImmediatePropagation();
      sendOnStream(form, frame, asking);
    },
    true
  );

  // Ctrl+Enter / Cmd+Enter sends the note, comment or edit being written.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    const target = event.target;
    const form = target instanceof HTMLTextAreaElement && target.form;
    if (!form) return;
    event.preventDefault();
    form.requestSubmit();
  });

  // The server has the note: its draft goes before the empty form replaces this one.
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const form = event.detail.elt;
    const status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (form instanceof HTMLFormElement && form.matches("form.note-form[data-draft-key]") && status >= 200 && status < 300) {
      try {
        localStorage.removeItem(key(form));
      } catch (_error) {
        /* nothing kept */
      }
    }
  });
  // A fresh form (after a send, or a column that arrived live) gets its focus back and
  // any draft this browser still keeps for it.
  document.body.addEventListener("htmx:load", (event) => forms(event.detail.elt).forEach(restore));

  // Open on focus; close (when empty) once the focus has gone and any click has landed,
  // so the cards below do not move under a pointer that is pressing one of them.
  let pressing = false;
  document.addEventListener("pointerdown", () => (pressing = true), true);
  document.addEventListener("focusin", (event) => {
    const form = event.target instanceof Element && event.target.closest("form.note-form");
    if (form) form.classList.add("is-open");
  });
  document.addEventListener("focusout", (event) => {
    const form = event.target instanceof Element && event.target.closest("form.note-form");
    if (!form || form.contains(event.relatedTarget)) return;
    const shut = () => {
      const area = form.querySelector("textarea");
      if (!form.contains(document.activeElement) && area && !area.value) form.classList.remove("is-open");
    };
    if (!pressing) return shut();
    document.addEventListener("click", () => setTimeout(shut, 0), { once: true, capture: true });
  });
  document.addEventListener("pointerup", () => setTimeout(() => (pressing = false), 0), true);

  board.classList.add("has-script");
  forms(document).forEach(restore);
})();
