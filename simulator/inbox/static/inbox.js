// The simulator's web inbox: the list of answered notifications, live
// through /api/v1/events, searched with the API's query language; the
// selected one as the lock screen shows it (rendered by the simulator, by
// the window's preview rules: this script draws the lines it is given and
// cuts nothing itself), with its answer, headers and payload; switches for
// the token's registration and for faults. Every text goes in with
// textContent: nothing from a notification is ever parsed as HTML.
"use strict";

(function () {
  const PAGE = 50;   // notifications a page
  const SHOWN = 500; // most rows kept in the list (older ones drop off)

  const $ = (id) => document.getElementById(id);
  const state = {
    query: "",
    items: [],      // the rows shown, newest first
    total: 0,       // how many match in all
    selected: null, // the apns-id shown in the detail pane
    source: null,   // the EventSource
    faults: [],
  };

  // api fetches a control-API path; a body goes as JSON (the API refuses
  // any other type for a change). It resolves to the decoded answer or
  // throws an Error carrying the API's message.
  async function api(method, path, body) {
    const opt = { method, headers: { "Accept": "application/json" }, credentials: "same-origin" };
    if (body !== undefined) {
      opt.headers["Content-Type"] = "application/json";
      opt.body = JSON.stringify(body);
    }
    const res = await fetch(path, opt);
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (res.status === 401) {
      throw new Error("This simulator's control API needs its token: open this page as /?token=YOUR_API_TOKEN (the --api-token).");
    }
    if (!res.ok) {
      throw new Error((data && data.error) || (method + " " + path + ": " + res.status));
    }
    return data;
  }

  function showAlert(msg) {
    const el = $("alert");
    el.textContent = msg || "";
    el.hidden = !msg;
  }

  function text(el, s) { el.textContent = s == null ? "" : String(s); return el; }
  function make(tag, cls, s) {
    const el = document.createElement(tag);
    if (cls) el.className = cls;
    if (s !== undefined) text(el, s);
    return el;
  }

  // --- the list -------------------------------------------------------

  function fmtTime(t) {
    const d = new Date(t);
    if (isNaN(d)) return "";
    return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  // snippet is a row's one line about the payload: the alert's title or
  // body when there is one, else the payload's start.
  function snippet(n) {
    const p = n.payload;
    if (p && typeof p === "object" && p.aps && typeof p.aps === "object") {
      const a = p.aps.alert;
      if (typeof a === "string" && a) return a;
      if (a && typeof a === "object") {
        const parts = [a.title, a.body].filter((x) => typeof x === "string" && x);
        if (parts.length) return parts.join(" — ");
      }
    }
    if (p !== undefined) return JSON.stringify(p).slice(0, 120);
    return n.payload_text ? n.payload_text.slice(0, 120) : "";
  }

  function statusText(n) {
    if (n.goaway) return "GOAWAY " + (n.reason || "");
    if (n.no_answer) return "no answer (" + n.no_answer + ")";
    return n.status + (n.reason ? " " + n.reason : "");
  }

  function row(n) {
    const li = make("li");
    const b = make("button", "item");
    b.type = "button";
    b.dataset.id = n.id || "";
    b.setAttribute("aria-pressed", String(n.id && n.id === state.selected));
    const ok = n.status === 200;
    const head = make("span", "item-head");
    head.append(make("span", "badge " + (ok ? "ok" : "bad"), statusText(n)), make("span", "item-topic", n.topic || n.path || ""),
      make("time", "item-time", fmtTime(n.time)));
    head.lastChild.dateTime = n.time || "";
    const line = make("span", "item-snippet", snippet(n));
    const tok = make("span", "item-token", n.token ? "token " + n.token.slice(0, 16) + "…" : "");
    b.append(head, line, tok);
    b.addEventListener("click", () => select(n.id));
    li.append(b);
    return li;
  }

  function drawList() {
    const ol = $("items");
    ol.replaceChildren(...state.items.map(row));
    const q = state.query ? " matching “" + state.query + "”" : "";
    if (!state.items.length) {
      text($("total"), state.query ? "No notification matches “" + state.query + "”." : "No notification yet: send one to the simulator.");
    } else {
      text($("total"), state.total + " notification" + (state.total === 1 ? "" : "s") + q + ", newest first");
    }
    $("more").hidden = state.items.length >= state.total || state.items.length >= SHOWN;
    $("delete").hidden = !state.items.length;
    $("delete").textContent = state.query ? "Delete these" : "Delete all";
  }

  // drawSoon redraws the list at most once a frame, however fast the
  // events come: a busy simulator never makes the page (or the machine)
  // spend its time redrawing.
  let drawPending = false;
  function drawSoon() {
    if (drawPending) return;
    drawPending = true;
    const run = () => { drawPending = false; drawList(); };
    if (document.hidden) setTimeout(run, 500); else requestAnimationFrame(run);
  }

  const key = (n) => (n.id || "") + "@" + (n.time || "");

  // load reads the first page of the list; events that arrive while it
  // is under way are kept and put back on top if the page missed them.
  async function load() {
    const q = encodeURIComponent(state.query);
    const during = [];
    state.during = during;
    try {
      const page = await api("GET", "/api/v1/notifications?limit=" + PAGE + "&query=" + q);
      if (state.during !== during) return; // a newer load took over
      const items = page.notifications || [];
      let total = page.total || 0;
      const have = new Set(items.map(key));
      for (const n of during) {
        if (!have.has(key(n))) { items.unshift(n); total++; }
      }
      state.items = items.slice(0, SHOWN);
      state.total = total;
      drawList();
    } finally {
      if (state.during === during) state.during = null;
    }
  }

  async function loadMore() {
    const q = encodeURIComponent(state.query);
    try {
      const page = await api("GET", "/api/v1/notifications?limit=" + PAGE + "&start=" + state.items.length + "&query=" + q);
      const seen = new Set(state.items.map((n) => n.id + n.time));
      for (const n of page.notifications || []) {
        if (!seen.has(n.id + n.time)) state.items.push(n);
      }
      state.total = page.total || state.total;
      drawList();
    } catch (e) { showAlert(e.message); }
  }

  // --- the live stream ------------------------------------------------

  function setLive(s, msg) {
    const el = $("live");
    el.dataset.state = s;
    text(el, msg);
  }

  function listen() {
    if (state.source) state.source.close();
    const src = new EventSource("/api/v1/events?query=" + encodeURIComponent(state.query));
    state.source = src;
    src.onopen = () => {
      setLive("live", "Live");
      load().catch((e) => showAlert(e.message)); // what arrived before (or while reconnecting)
    };
    src.onerror = () => {
      if (src.readyState === EventSource.CLOSED) {
        setLive("down", "Disconnected: reload the page");
        load().catch((e) => showAlert(e.message)); // says why, when the API does
      } else {
        setLive("down", "Reconnecting…");
      }
    };
    src.addEventListener("notification", (ev) => {
      let n;
      try { n = JSON.parse(ev.data); } catch (e) { return; }
      if (state.during) state.during.push(n);
      state.items.unshift(n);
      if (state.items.length > SHOWN) state.items.length = SHOWN;
      state.total++;
      drawSoon();
      refreshCounts();
    });
    src.addEventListener("dropped", (ev) => {
      let d = {};
      try { d = JSON.parse(ev.data); } catch (e) { /* keep going */ }
      setLive("live", "Live (" + (d.dropped || "some") + " events lost: this page fell behind; reloading the list)");
      load().catch((e) => showAlert(e.message));
    });
  }

  let countsTimer = null;
  function refreshCounts() {
    if (countsTimer) return;
    countsTimer = setTimeout(async () => {
      countsTimer = null;
      try {
        const info = await api("GET", "/api/v1/info");
        const c = info.counts || {};
        text($("counts"), (info.environment || "") + " · " + (c.requests || 0) + " answered (" + (c.accepted || 0) + " accepted, " +
          (c.rejected || 0) + " rejected) · keeps " + info.keep);
      } catch (e) { /* the list says enough */ }
    }, 250);
  }

  // --- the selected notification --------------------------------------

  async function select(id) {
    if (!id) return;
    state.selected = id;
    for (const b of document.querySelectorAll(".item")) b.setAttribute("aria-pressed", String(b.dataset.id === id));
    try {
      const [n, pv] = await Promise.all([
        api("GET", "/api/v1/notifications/" + encodeURIComponent(id)),
        api("GET", "/inbox/preview/" + encodeURIComponent(id)),
      ]);
      drawDetail(n, pv);
      showAlert("");
    } catch (e) { showAlert(e.message); }
  }

  function drawPreview(pv) {
    text($("pv-app"), pv.app);
    const shown = pv.shown;
    $("card").hidden = !shown;
    $("pv-nothing").hidden = shown;
    text($("pv-nothing"), shown ? "" : (pv.silent ? "Silent: nothing on the screen" : "Nothing on the screen"));
    text($("pv-title"), pv.title);
    $("pv-title").hidden = !pv.title;
    text($("pv-subtitle"), pv.subtitle);
    $("pv-subtitle").hidden = !pv.subtitle;
    const body = $("pv-body");
    body.replaceChildren(...(pv.body || []).map((l) => make("span", "pv-line", l)));
    body.hidden = !(pv.body || []).length;
    $("lock").setAttribute("aria-label", "Lock screen preview: " +
      (shown ? [pv.app, pv.title, pv.subtitle, (pv.body || []).join(" ")].filter(Boolean).join(", ") : $("pv-nothing").textContent));
    text($("pv-status"), pv.error ? pv.error : pv.status);
    const notes = $("pv-notes");
    notes.replaceChildren(...(pv.notes || []).map((s) => make("li", "", s)));
  }

  function pair(dl, k, v) {
    if (v === undefined || v === null || v === "") return;
    dl.append(make("dt", "", k), make("dd", "", v));
  }

  function drawDetail(n, pv) {
    $("empty").hidden = true;
    $("detail").hidden = false;
    drawPreview(pv);
    const dl = $("answer");
    dl.replaceChildren();
    pair(dl, "Status", statusText(n));
    if (n.timestamp) pair(dl, "Unregistered since", new Date(n.timestamp).toISOString() + " (timestamp " + n.timestamp + ")");
    pair(dl, "apns-id", n.id);
    pair(dl, "apns-unique-id", n.unique_id);
    pair(dl, "Time", n.time);
    pair(dl, "Token", n.token);
    pair(dl, "Topic", n.topic);
    pair(dl, "Push type", n.push_type || (pv.push_type ? pv.push_type + " (from the topic)" : ""));
    pair(dl, "Priority", n.priority);
    pair(dl, "Auth", n.auth + (n.team_id ? ", team " + n.team_id : "") + (n.key_id ? ", key " + n.key_id : ""));
    pair(dl, "Connection", "#" + n.connection + (n.remote ? " from " + n.remote : ""));
    for (const w of n.warnings || []) pair(dl, "Warning", w);

    const tb = $("headers");
    tb.replaceChildren();
    const names = Object.keys(n.headers || {}).sort();
    for (const k of names) {
      const tr = make("tr");
      const th = make("th", "", k);
      th.scope = "row";
      tr.append(th, make("td", "", n.headers[k]));
      tb.append(tr);
    }
    if (!names.length) {
      const tr = make("tr");
      const td = make("td", "", "none");
      td.colSpan = 2;
      tr.append(td);
      tb.append(tr);
    }
    text($("payload"), n.payload !== undefined ? JSON.stringify(n.payload, null, 2) : (n.payload_text || "(empty)"));
    drawToken(n.token);
  }

  // --- the token switch ------------------------------------------------

  async function drawToken(token) {
    const sw = $("registered");
    sw.dataset.token = token || "";
    sw.disabled = !token;
    if (!token) {
      text($("token-state"), "This request carried no device token.");
      return;
    }
    try {
      const t = await api("GET", "/api/v1/tokens/" + encodeURIComponent(token));
      const unreg = t.state === "unregistered";
      sw.checked = !unreg;
      let more = "";
      if (t.state === "expired") more = " It is marked expired (410 ExpiredToken).";
      if (t.fail) more += " Every request for it fails with " + t.fail + ".";
      if (t.environment) more += " It belongs to " + t.environment + ".";
      if (t.topics && t.topics.length) more += " It accepts only " + t.topics.join(", ") + ".";
      text($("token-state"), (unreg
        ? "Unregistered since " + t.since + ": every send to this token is answered 410 Unregistered. Turn it on to register it again."
        : "Turn it off and the next send to this token is answered 410 Unregistered.") + more);
    } catch (e) { showAlert(e.message); }
  }

  async function toggleToken() {
    const sw = $("registered");
    const token = sw.dataset.token;
    if (!token) return;
    sw.disabled = true;
    try {
      if (sw.checked) {
        await api("DELETE", "/api/v1/tokens/" + encodeURIComponent(token));
      } else {
        await api("PUT", "/api/v1/tokens/" + encodeURIComponent(token), { state: "unregistered" });
      }
      showAlert("");
    } catch (e) {
      sw.checked = !sw.checked;
      showAlert(e.message);
    }
    sw.disabled = false;
    drawToken(token);
  }

  // --- faults -----------------------------------------------------------

  function drawFaults(f) {
    state.faults = f.faults || [];
    const ul = $("fault-list");
    ul.replaceChildren(...state.faults.map((rule, i) => {
      const li = make("li");
      const code = make("code", "", rule);
      const b = make("button", "small", "Remove");
      b.type = "button";
      b.setAttribute("aria-label", "Remove the rule " + rule);
      b.addEventListener("click", () => putFaults(state.faults.filter((_, j) => j !== i)));
      li.append(code, b);
      return li;
    }));
    if (!state.faults.length) ul.append(make("li", "none", "None: every request is answered as APNs would."));
    if (f.latency) ul.append(make("li", "", "Latency " + f.latency + " on every answer"));
    for (const sw of document.querySelectorAll("[data-rule]")) {
      sw.checked = state.faults.includes(sw.dataset.rule);
    }
    $("latency").value = f.latency || "";
  }

  async function putFaults(rules, extra) {
    try {
      drawFaults(await api("PUT", "/api/v1/faults", Object.assign({ faults: rules }, extra || {})));
      showAlert("");
      return true;
    } catch (e) {
      showAlert(e.message);
      loadFaults();
      return false;
    }
  }

  async function loadFaults() {
    try { drawFaults(await api("GET", "/api/v1/faults")); } catch (e) { showAlert(e.message); }
  }

  // --- wiring -------------------------------------------------------------

  function init() {
    const params = new URLSearchParams(location.search);
    state.query = params.get("query") || "";
    $("q").value = state.query;
    $("search").addEventListener("submit", (ev) => {
      ev.preventDefault();
      state.query = $("q").value.trim();
      const u = new URL(location.href);
      if (state.query) u.searchParams.set("query", state.query); else u.searchParams.delete("query");
      history.replaceState(null, "", u);
      showAlert("");
      state.items = [];
      drawList();
      listen();
    });
    $("more").addEventListener("click", loadMore);
    $("delete").addEventListener("click", async () => {
      const what = state.query ? "the notifications matching “" + state.query + "”" : "every notification kept";
      if (!confirm("Delete " + what + "? The counts stay.")) return;
      try {
        await api("DELETE", "/api/v1/notifications?query=" + encodeURIComponent(state.query));
        await load();
      } catch (e) { showAlert(e.message); }
    });
    $("registered").addEventListener("change", toggleToken);
    for (const sw of document.querySelectorAll("[data-rule]")) {
      sw.addEventListener("change", () => {
        const rule = sw.dataset.rule;
        const rest = state.faults.filter((r) => r !== rule);
        putFaults(sw.checked ? rest.concat([rule]) : rest);
      });
    }
    $("fault-form").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const rule = $("fault").value.trim();
      if (!rule) return;
      if (await putFaults(state.faults.concat([rule]))) $("fault").value = "";
    });
    $("latency-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      putFaults(state.faults, { latency: $("latency").value.trim() });
    });
    $("faults-clear").addEventListener("click", async () => {
      try { drawFaults(await api("DELETE", "/api/v1/faults")); showAlert(""); } catch (e) { showAlert(e.message); }
    });
    listen();
    loadFaults();
    refreshCounts();
  }

  document.addEventListener("DOMContentLoaded", init);
})();
