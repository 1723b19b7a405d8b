// virt-appliance serve: the page works without this script; it adds live state (server-sent events) and busy buttons.
"use strict";
(function () {
  const live = document.getElementById("live");
  const region = document.querySelector("[data-live]");

  function announce(text) {
    if (live) { live.textContent = text; }
  }

  // A form that runs a long operation says so while it runs (the page waits for the server's answer).
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.busy) { return; }
    const button = form.querySelector("button[type=submit]");
    if (button) {
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
    }
    form.setAttribute("aria-busy", "true");
    announce(form.dataset.busy);
  });

  const flash = document.querySelector("[data-flash]");
  if (flash) { flash.focus(); }

  if (!region || !window.EventSource) { return; }

  let pending = null;
  function refresh() {
    // One fetch for a burst of events (a deploy defines and starts in quick succession).
    if (pending) { return; }
    pending = setTimeout(async function () {
      pending = null;
      const focused = document.activeElement && region.contains(document.activeElement) ? document.activeElement : null;
      if (focused && focused.closest("form[aria-busy]")) { return; }
      try {
        const response = await fetch(region.dataset.live, { credentials: "same-origin", headers: { "Accept": "text/html" } });
        if (!response.ok) { return; }
        const html = await response.text();
        const openDetails = Array.from(region.querySelectorAll("details[open]")).map(function (d) { return d.closest("tr") && d.closest("tr").dataset.vm; });
        region.innerHTML = html;
        openDetails.forEach(function (vm) {
          const row = Array.from(region.querySelectorAll("tr[data-vm]")).find(function (r) { return r.dataset.vm === vm; });
          const details = row && row.querySelector("details");
          if (details) { details.open = true; }
        });
        if (focused && focused.getAttribute("aria-label")) {
          const again = Array.from(region.querySelectorAll("[aria-label]")).find(function (e) { return e.getAttribute("aria-label") === focused.getAttribute("aria-label"); });
          if (again) { again.focus(); }
        }
      } catch (error) {
        // The next event tries again.
      }
    }, 250);
  }

  const events = new EventSource("/events");
  events.addEventListener("vm", function (message) {
    const change = JSON.parse(message.data);
    const row = Array.from(region.querySelectorAll("tr[data-vm]")).find(function (r) { return r.dataset.vm === change.name; });
    if (row && change.state) {
      const cell = row.querySelector("[data-state]");
      if (cell) { cell.textContent = change.state; }
    }
    if (change.state) { announce(change.name + " is " + change.state); }
    refresh();
  });
  events.addEventListener("watch", refresh);
  events.addEventListener("ready", function () { document.documentElement.dataset.live = "connected"; });
})();
