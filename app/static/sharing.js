// The board's timer and the share panel's copy buttons. The timer counts down to the end
// time the server sent, by the server's clock (board.js measures the offset from its
// pongs), so every screen shows the same number whatever its own clock says.
(function () {
  "use strict";

  const board = document.getElementById("board");
  if (!board) return;
  const announcer = document.getElementById("announcer");

  const pageTime = Date.parse(board.dataset.serverTime || "");
  let offset = Number.isNaN(pageTime) ? 0 : pageTime - Date.now();
  let ticker = null;
  let announced = { minute: false, end: false };

  function say(text) {
    if (!announcer || !text) return;
    announcer.textContent = "";
    setTimeout(() => (announcer.textContent = text), 50);
  }

  function format(seconds) {
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    const mmss = String(m).padStart(2, "0") + ":" + String(s).padStart(2, "0");
    return h > 0 ? h + ":" + mmss : mmss;
  }

  function tick() {
    const timer = document.getElementById("timer");
    const ends = timer ? Date.parse(timer.dataset.endsAt || "") : NaN;
    if (!timer || Number.isNaN(ends)) {
      clearInterval(ticker);
      ticker = null;
      return;
    }
    const left = Math.max(0, Math.ceil((ends - (Date.now() + offset)) / 1000));
    const clock = timer.querySelector(".timer-clock");
    const text = format(left);
    if (clock.textContent !== text) clock.textContent = text;
    const total = Number(timer.dataset.seconds || 0);
    if (left <= 60 && left > 0 && total > 60 && !announced.minute) {
      announced.minute = true;
      say(timer.dataset.textOneMinute);
    }
    const ended = left === 0;
    timer.classList.toggle("timer--ended", ended);
    timer.querySelector(".timer-ended").hidden = !ended;
    if (ended && !announced.end) {
      announced.end = true;
      // A timer that ended long before this page opened is shown, not announced.
      if (Date.now() + offset - ends < 5000) say(timer.dataset.textEnded);
    }
    if (ended) {
      clearInterval(ticker);
      ticker = null;
    }
  }

  function restart() {
    announced = { minute: false, end: false };
    clearInterval(ticker);
    ticker = setInterval(tick, 250);
    tick();
  }

  document.addEventListener("paja:timer", restart);
  document.addEventListener("paja:clock", (event) => {
    offset = event.detail.offset;
    if (!ticker) tick();
  });
  restart();

  // Copy buttons: the clipboard when the browser allows it, else the text is selected
  // for Ctrl+C. Either way the status line says what happened.
  document.querySelectorAll("button[data-copy]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", async () => {
      const field = document.getElementById(button.dataset.copy);
      const status = document.querySelector(".copy-status");
      if (!field) return;
      try {
        await navigator.clipboard.writeText(field.value);
        if (status) status.textContent = status.dataset.textCopied;
      } catch (_error) {
        field.focus();
        field.select();
        if (status) status.textContent = status.dataset.textSelect;
      }
    });
  });
})();
