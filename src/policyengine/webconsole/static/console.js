// The web console's pages (policyengine exercise serve): the facilitator's and the players'.
//
// The page follows the session through server-sent events and draws every text with
// textContent: nothing from the exercise, the rules or the players is ever parsed as HTML.
// Its sentences come from the catalog (the JSON in #pe-ui), in both languages.
"use strict";
(function () {
  const UI = JSON.parse(document.getElementById("pe-ui").textContent);
  const BOOT = JSON.parse(document.getElementById("pe-boot").textContent);
  const role = BOOT.role;
  const params = new URLSearchParams(location.search);
  const token = params.get("token") || "";
  const app = document.getElementById("pe-app");
  let lang = BOOT.lang;
  let state = null;
  let message = null; // {kind, text}
  let busy = false;

  function tr(key, fields) {
    let text = UI[lang][key];
    if (text === undefined) return key;
    if (fields) text = text.replace(/\{(\w+)\}/g, (m, k) => (k in fields ? String(fields[k]) : m));
    return text;
  }

  // a text of the state: the same in both languages, or {ja, en}
  function bi(text) {
    if (text === null || text === undefined) return "";
    if (typeof text === "string" || typeof text === "number") return String(text);
    return text[lang] || "";
  }

  function clock(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const pad = (n) => String(n).padStart(2, "0");
    return (s >= 3600 ? Math.floor(s / 3600) + ":" : "") + pad(Math.floor((s % 3600) / 60)) + ":" + pad(s % 60);
  }

  // el("p", {class: "x", id: "y"}, "text", child, ...): children are nodes or text (never HTML)
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key === "class") node.className = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === "string" || typeof child === "number" ? String(child) : child);
    }
    return node;
  }

  function url(path) {
    return role === "facilitator" ? path + "?token=" + encodeURIComponent(token) : path;
  }

  // -- language -----------------------------------------------------------------------------

  function langSwitch() {
    const buttons = ["ja", "en"].map((code) =>
      el(
        "button",
        {
          type: "button",
          class: "lang" + (code === lang ? " current" : ""),
          "aria-pressed": code === lang ? "true" : "false",
          lang: code,
          id: "pe-lang-" + code,
          onclick: () => setLang(code),
        },
        code === "ja" ? "日本語" : "English"
      )
    );
    return el("nav", { class: "langs", "aria-label": tr("lang_switch") }, buttons);
  }

  function setLang(code) {
    lang = code;
    document.documentElement.lang = code;
    const next = new URLSearchParams(location.search);
    next.set("lang", code);
    history.replaceState(null, "", location.pathname + "?" + next.toString());
    render();
  }

  // -- shared pieces ------------------------------------------------------------------------

  function moveHeading(move) {
    return el(
      "h2",
      { class: "move" },
      tr("move", { n: move.number, total: move.total, title: bi(move.title) }),
      " ",
      el("span", { class: "date" }, bi(move.date))
    );
  }

  function cellList(names) {
    return names.length ? names.map(bi).join(lang === "ja" ? "、" : ", ") : tr("to_all");
  }

  // the inject most recently released (the players' eyes go there)
  function newest(injects) {
    let best = null;
    for (const inj of injects) if (inj.released && (!best || (inj.released_at || "") >= (best.released_at || ""))) best = inj;
    return best ? best.id : null;
  }

  function injectCard(inj, facilitator, isNew) {
    const card = el(
      "article",
      { class: "inject" + (isNew ? " new" : "") + (inj.applies ? "" : " off"), id: "inject-" + inj.id, "data-inject": inj.id },
      el("h4", {}, el("span", { class: "num" }, "[" + inj.number + "]"), " ", inj.time ? inj.time + " " : "", bi(inj.title)),
      el("p", { class: "route" }, tr("from_to", { from: inj.sender ? bi(inj.sender) : "—", to: cellList(inj.to) })),
      el("p", { class: "description" }, bi(inj.description))
    );
    if (facilitator) {
      if (!inj.applies) card.append(el("p", { class: "off" }, tr("conditional_off")));
      if (inj.notes) card.append(controlNote(tr("inject_notes"), bi(inj.notes)));
      if (inj.expect && inj.expect.length) card.append(expectBox(inj.expect));
    }
    return card;
  }

  function expectBox(expect) {
    return el(
      "div",
      { class: "control expect" },
      el("strong", {}, tr("expect")),
      el("ul", {}, expect.map((e) => el("li", {}, el("code", {}, e.action), e.cell ? " [" + bi(e.cell) + "]" : "", e.note ? " — " + bi(e.note) : "")))
    );
  }

  function controlNote(title, text) {
    return el("div", { class: "control note" }, el("strong", {}, title), el("p", {}, text));
  }

  function decisionList(decisions, withStrike) {
    if (!decisions.length) return el("p", { class: "empty" }, tr("decisions_none"));
    return el(
      "ol",
      { class: "decisions" },
      decisions.map((d) => {
        const action = d.struck ? el("del", {}, d.action) : el("span", { class: "action" }, d.action);
        const item = el(
          "li",
          { class: d.struck ? "struck" : "", "data-decision": d.number, "data-move": d.move },
          el("span", { class: "num" }, "#" + d.number),
          " ",
          d.cell ? el("span", { class: "cell" }, "[" + bi(d.cell_name) + "]") : null,
          " ",
          action,
          d.title ? el("span", { class: "title" }, " — " + bi(d.title)) : null,
          d.struck ? el("span", { class: "tag" }, " (" + tr("struck") + (bi(d.struck_reason) ? ": " + bi(d.struck_reason) : "") + ")") : null,
          d.by ? el("span", { class: "who" }, " — " + d.by) : null,
          d.rationale ? el("p", { class: "rationale" }, d.rationale) : null
        );
        if (withStrike && !d.struck) {
          item.append(
            el(
              "button",
              { type: "button", class: "strike", "data-strike": d.number, "aria-label": tr("strike") + " #" + d.number, onclick: () => send("strike", { number: d.number, who: whoValue() }) },
              tr("strike")
            )
          );
        }
        return item;
      })
    );
  }

  function banner() {
    const live = el("div", { id: "pe-message", role: "status", "aria-live": "polite" });
    if (message) {
      // kept as a key and its fields: the banner follows a change of language
      live.className = "message " + message.kind;
      live.textContent = tr(message.key, message.fields);
    }
    return live;
  }

  function elapsed(status) {
    return el("span", { id: "pe-elapsed", "data-since": String(Date.now() / 1000 - status.elapsed_move) }, tr("elapsed", { time: clock(status.elapsed_move) }));
  }

  // -- the players' page ----------------------------------------------------------------------

  function renderPlayer() {
    const s = state;
    const main = el("main", { id: "pe-main" });
    main.append(el("header", { class: "top" }, el("h1", {}, bi(s.exercise)), langSwitch()));
    if (s.finished) main.append(el("p", { class: "finished" }, tr("finished")));
    const left = el("div", { class: "column left" });
    const right = el("div", { class: "column right" });
    if (s.move) {
      main.append(moveHeading(s.move));
      if (s.move.situation) left.append(el("section", { class: "situation" }, el("h3", {}, tr("situation")), el("p", {}, bi(s.move.situation))));
      const fresh = newest(s.injects);
      left.append(
        el(
          "section",
          { class: "injects", id: "pe-injects" },
          el("h3", {}, tr("injects_released")),
          s.injects.length ? s.injects.map((inj) => injectCard(inj, false, inj.id === fresh)) : el("p", { class: "empty" }, tr("injects_none"))
        )
      );
      if (s.move.questions.length) right.append(el("section", { class: "questions" }, el("h3", {}, tr("questions")), el("ul", {}, s.move.questions.map((q) => el("li", {}, bi(q))))));
      right.append(el("section", { class: "decided", id: "pe-decisions" }, el("h3", {}, tr("decisions")), decisionList(s.decisions, false)));
    }
    if (s.earlier.length) right.append(el("section", { class: "decided earlier", id: "pe-earlier" }, el("h3", {}, tr("decisions_earlier")), decisionList(s.earlier, false)));
    main.append(el("div", { class: "columns" }, left, right));
    return main;
  }

  // -- the facilitator's page -------------------------------------------------------------------

  function renderFacilitator() {
    const s = state;
    const main = el("main", { id: "pe-main" });
    const st = s.status;
    const status = s.move
      ? [
          tr("status", { n: s.move.number, released: st.injects_released, pending: st.injects_total - st.injects_released, decisions: st.decisions_move }),
          " · ",
          elapsed(st),
        ]
      : [];
    main.append(
      el(
        "header",
        { class: "top" },
        el("h1", {}, bi(s.exercise)),
        el("p", { class: "status", id: "pe-status" }, status),
        el("a", { href: "/player?lang=" + lang, target: "_blank", rel: "noopener noreferrer", id: "pe-player-link" }, tr("player_page")),
        langSwitch()
      )
    );
    main.append(banner());
    if (s.finished) {
      main.append(el("section", { class: "finished" }, el("p", {}, tr("finished")),
        el("p", {}, el("a", { href: url("/facilitator/report") + "&lang=" + lang, target: "_blank", rel: "noopener noreferrer", id: "pe-report-link" }, tr("open_report"))),
        el("p", {}, el("code", {}, tr("finished_report", { log: s.log })))));
      main.append(notesSection(s, true));
      main.append(el("section", { class: "decided", id: "pe-decisions" }, el("h3", {}, tr("decisions")), decisionList(s.decisions, true)));
      return main;
    }
    const left = el("div", { class: "column left" });
    const right = el("div", { class: "column right" });
    left.append(moveHeading(s.move));
    if (s.move.situation) left.append(el("section", { class: "situation" }, el("h3", {}, tr("situation")), el("p", {}, bi(s.move.situation))));
    if (s.move_notes) left.append(controlNote(tr("move_notes"), bi(s.move_notes)));
    const released = s.injects.filter((i) => i.released);
    const pending = s.injects.filter((i) => !i.released);
    const fresh = newest(s.injects);
    left.append(
      el(
        "section",
        { class: "injects", id: "pe-released" },
        el("h3", {}, tr("injects_released")),
        released.length ? released.map((inj) => injectCard(inj, true, inj.id === fresh)) : el("p", { class: "empty" }, tr("injects_none"))
      )
    );
    left.append(
      el(
        "section",
        { class: "injects pending", id: "pe-pending" },
        el("h3", {}, tr("injects_pending")),
        pending.length
          ? pending.map((inj) => {
              const card = injectCard(inj, true, false);
              if (inj.applies) {
                card.prepend(el("button", { type: "button", class: "release", "data-release": inj.number, onclick: () => send("release", { inject: inj.number }) }, tr("release") + " [" + inj.number + "]"));
              }
              return card;
            })
          : el("p", { class: "empty" }, tr("pending_none"))
      )
    );
    left.append(changesSection(s.changes));
    right.append(decideForm(s));
    right.append(el("section", { class: "decided", id: "pe-decisions" }, el("h3", {}, tr("decisions")), decisionList(s.decisions, true)));
    right.append(notesSection(s, true));
    right.append(el("section", { class: "end" }, el("button", { type: "button", id: "pe-end", class: "end", onclick: () => confirmEnd() }, tr("end_move"))));
    right.append(recsSection(s.recommendations));
    main.append(el("div", { class: "columns" }, left, right));
    main.append(el("p", { class: "keys" }, tr("keys")), el("p", { class: "log" }, tr("log", { log: s.log })));
    main.append(el("datalist", { id: "pe-ids" }, s.ids.map((id) => el("option", { value: id }))));
    return main;
  }

  // who decided: kept in its field from one decision to the next; a strike names them too, as in the terminal
  function whoValue() {
    const node = document.getElementById("pe-who");
    return node ? node.value : "";
  }

  function field(label, control) {
    return el("label", { class: "field" }, el("span", {}, label), control);
  }

  function decideForm(s) {
    const cells = el("select", { id: "pe-cell", name: "cell" }, el("option", { value: "" }, tr("cell_room")), s.cells.map((c) => el("option", { value: c.id }, bi(c.name) + " (" + c.id + ")")));
    return el(
      "form",
      { id: "pe-decide", class: "decide", onsubmit: (e) => { e.preventDefault(); decide(); } },
      el("h3", {}, tr("decide_heading")),
      field(tr("action"), el("input", { id: "pe-action", name: "action", list: "pe-ids", autocomplete: "off", required: true, maxlength: 1000 })),
      field(tr("cell"), cells),
      field(tr("rationale"), el("textarea", { id: "pe-rationale", name: "rationale", rows: 2 })),
      field(tr("who"), el("input", { id: "pe-who", name: "who", autocomplete: "off", maxlength: 200 })),
      el("button", { type: "submit", id: "pe-record" }, tr("record"))
    );
  }

  // ask the controller what the entry would be recorded as; "did you mean" before recording
  async function decide() {
    const text = document.getElementById("pe-action").value;
    const args = () => ({
      action: document.getElementById("pe-action").value,
      cell: document.getElementById("pe-cell").value,
      rationale: document.getElementById("pe-rationale").value,
      who: document.getElementById("pe-who").value,
    });
    const clear = () => {
      for (const id of ["pe-action", "pe-rationale"]) document.getElementById(id).value = "";
    };
    const response = await fetch(url("/facilitator/resolve") + "&text=" + encodeURIComponent(text), { credentials: "omit" });
    const body = await response.json();
    if (!response.ok) {
      message = { kind: "refused", key: "refused", fields: { message: bi(body.message) } };
      render();
      return;
    }
    if (body.kind !== "suggest") {
      send("decide", args(), clear);
      return;
    }
    ask(
      "pe-suggest",
      tr("did_you_mean", { id: body.suggestion }),
      [],
      [
        [tr("keep_typed"), "pe-suggest-keep", () => send("decide", args(), clear)],
        [tr("use_suggestion", { id: body.suggestion }), "pe-suggest-use", () => send("decide", { ...args(), action: body.suggestion }, clear)],
      ]
    );
  }

  function notesSection(s, withForm) {
    const section = el("section", { class: "notes", id: "pe-notes" }, el("h3", {}, tr("notes_heading")));
    section.append(
      s.notes.length
        ? el("ul", {}, s.notes.map((n) => el("li", {}, el("span", { class: "num" }, n.move || tr("hot_wash")), " ", n.text, n.by ? el("span", { class: "who" }, " — " + n.by) : null)))
        : el("p", { class: "empty" }, tr("notes_none"))
    );
    if (withForm) {
      section.append(
        el(
          "form",
          {
            id: "pe-note-form",
            onsubmit: (e) => {
              e.preventDefault();
              send("note", { text: document.getElementById("pe-note").value }, () => {
                document.getElementById("pe-note").value = "";
              });
            },
          },
          field(tr("note_text"), el("textarea", { id: "pe-note", name: "note", rows: 2, required: true })),
          el("button", { type: "submit", id: "pe-note-add" }, tr("note_add"))
        )
      );
    }
    return section;
  }

  function recsSection(recs) {
    const section = el("section", { class: "recs", id: "pe-recs" }, el("h3", {}, tr("recs_heading")));
    if (!recs.length) section.append(el("p", { class: "empty" }, tr("recs_none")));
    for (const r of recs) {
      const tags = [r.new ? tr("tag_new") : null, r.changed ? tr("tag_changed") : null, r.decided ? tr("tag_decided") : null].filter(Boolean);
      section.append(
        el(
          "article",
          { class: "rec" + (r.decided ? " decided" : ""), "data-rec": r.id },
          el("h4", {}, el("span", { class: "num" }, r.number + "."), " ", bi(r.title), " ", tags.map((t) => el("span", { class: "tag" }, t))),
          el("p", { class: "priority" }, el("code", {}, r.id), " · ", tr("priority", { priority: bi(r.priority) })),
          el("p", { class: "justification" }, bi(r.justification)),
          el(
            "details",
            {},
            el("summary", {}, tr("because_sources")),
            r.because ? el("p", { class: "because" }, el("strong", {}, tr("because") + ": "), bi(r.because)) : null,
            (r.sources || []).map((c) => el("blockquote", {}, el("p", {}, c.quote), el("cite", {}, c.document + (c.section ? " — " + c.section : ""))))
          ),
          el(
            "button",
            {
              type: "button",
              class: "use",
              "data-use": r.id,
              onclick: () => {
                const input = document.getElementById("pe-action");
                input.value = r.id;
                input.focus();
              },
            },
            tr("use")
          )
        )
      );
    }
    return section;
  }

  function changesSection(ch) {
    const section = el("section", { class: "changes", id: "pe-changes" }, el("h3", {}, tr("changes_heading")));
    if (!ch) return section;
    if (ch.first) section.append(el("p", {}, tr("changes_first")));
    const groups = [
      ["rec_added", ch.recommendations_added],
      ["rec_removed", ch.recommendations_removed],
      ["rec_changed", ch.recommendations_changed],
      ["risk_added", ch.risks_added],
      ["risk_removed", ch.risks_removed],
    ];
    let any = false;
    for (const [key, ids] of groups) {
      if (!ids.length) continue;
      any = true;
      section.append(
        el("h4", {}, tr(key)),
        el("ul", {}, ids.map((id) => el("li", {}, el("code", {}, id), ch.causes[id] && ch.causes[id].length ? " — " + tr("caused_by", { facts: ch.causes[id].join(", ") }) : "")))
      );
    }
    const facts = [...ch.facts_added, ...ch.facts_removed, ...ch.facts_altered].sort();
    if (facts.length) section.append(el("h4", {}, tr("facts_changed")), el("p", {}, facts.map((f) => el("code", {}, f)).flatMap((c, i) => (i ? [", ", c] : [c]))));
    if (!any) section.append(el("p", { class: "empty" }, tr("changes_none")));
    return section;
  }

  // a modal question: text, a list, and buttons [label, id, action]; Esc or the first button backs out
  function ask(id, text, items, buttons, warn) {
    const old = document.getElementById(id);
    if (old) old.remove();
    const dialog = el(
      "dialog",
      { id: id, "aria-labelledby": id + "-text" },
      el("p", { id: id + "-text" }, text),
      items.length ? el("ul", {}, items) : null,
      warn ? el("p", { class: "warn" }, warn) : null,
      el(
        "div",
        { class: "buttons" },
        buttons.map(([label, bid, action], i) =>
          el("button", { type: "button", id: bid, class: i === buttons.length - 1 ? "primary" : "", autofocus: i === 0, onclick: () => { dialog.close(); action(); } }, label)
        )
      )
    );
    dialog.addEventListener("close", () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
  }

  function confirmEnd() {
    const live = state.decisions.filter((d) => d.move === state.move.id && !d.struck);
    const unreleased = state.injects.filter((i) => i.applies && !i.released);
    ask(
      "pe-confirm",
      tr("end_confirm", { n: state.move.number, count: live.length }),
      live.map((d) => el("li", {}, "#" + d.number + " " + (d.cell ? "[" + bi(d.cell_name) + "] " : "") + d.action)),
      [
        [tr("cancel"), "pe-confirm-cancel", () => {}],
        [tr("confirm"), "pe-confirm-end", () => send("end", {})],
      ],
      unreleased.length ? tr("end_unreleased", { count: unreleased.length }) : null
    );
  }

  // -- changes --------------------------------------------------------------------------------

  async function send(op, args, done) {
    if (busy || !state) return;
    busy = true;
    document.body.classList.add("busy");
    try {
      const response = await fetch(url("/facilitator/act"), {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ seq: state.seq, op: op, args: args }),
        credentials: "omit",
      });
      const body = await response.json();
      if (response.ok) {
        message = { kind: "ok", key: "recorded" };
        if (done) done();
        show(body);
      } else if (response.status === 409) {
        message = { kind: "stale", key: "stale" };
        const fresh = await fetch(url("/facilitator/state"), { credentials: "omit" });
        show(await fresh.json());
      } else {
        message = { kind: "refused", key: "refused", fields: { message: bi(body.message) || String(response.status) } };
        render();
      }
    } catch (error) {
      message = { kind: "refused", key: "connection_lost" };
      render();
    } finally {
      busy = false;
      document.body.classList.remove("busy");
    }
  }

  // -- drawing --------------------------------------------------------------------------------

  function show(next) {
    if (state && next.seq < state.seq) return; // an older state arriving late
    state = next;
    render();
  }

  function render() {
    if (!state) {
      app.replaceChildren(el("p", { class: "loading" }, tr("connecting")));
      return;
    }
    // keep what the facilitator is typing, and where, across a redraw
    const kept = {};
    for (const id of ["pe-action", "pe-cell", "pe-rationale", "pe-who", "pe-note"]) {
      const node = document.getElementById(id);
      if (node) kept[id] = node.value;
    }
    const focused = document.activeElement && document.activeElement.id;
    app.replaceChildren(role === "facilitator" ? renderFacilitator() : renderPlayer());
    for (const [id, value] of Object.entries(kept)) {
      const node = document.getElementById(id);
      if (node) node.value = value;
    }
    if (focused) {
      const node = document.getElementById(focused);
      if (node) node.focus();
    }
    document.title = bi(state.exercise) + " — " + tr("page_" + role);
    app.dataset.state = state.finished ? "finished" : "live";
    app.dataset.seq = String(state.seq);
    window.peRendered = { seq: state.seq, at: performance.timeOrigin + performance.now() };
  }

  document.addEventListener("keydown", (e) => {
    if (role !== "facilitator" || e.ctrlKey || e.metaKey || e.altKey) return;
    const tag = (document.activeElement && document.activeElement.tagName) || "";
    if (["INPUT", "TEXTAREA", "SELECT"].includes(tag)) return;
    const target = { "/": "pe-action", n: "pe-note" }[e.key];
    if (target && document.getElementById(target)) {
      e.preventDefault();
      document.getElementById(target).focus();
    }
  });

  const lost = el("div", { id: "pe-offline", class: "offline", hidden: true, role: "alert" });
  document.body.prepend(lost);
  const events = new EventSource(url("/" + role + "/events"));
  events.addEventListener("state", (e) => show(JSON.parse(e.data)));
  events.addEventListener("open", () => {
    lost.hidden = true;
  });
  events.addEventListener("error", () => {
    lost.textContent = tr("connection_lost");
    lost.hidden = false;
  });
  // the move's clock ticks between changes
  setInterval(() => {
    const node = document.getElementById("pe-elapsed");
    if (node) node.textContent = tr("elapsed", { time: clock(Date.now() / 1000 - Number(node.dataset.since)) });
  }, 1000);
  window.peConsole = { send: send, state: () => state };
  render();
})();
