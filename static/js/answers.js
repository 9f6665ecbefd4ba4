// The partner's answer page: show and hide follow-up questions as answers change, and save as
// the partner types. Works on top of the plain form: without this script the form still saves.
// The condition rules mirror vendorrisk/questionnaires/conditions.py `evaluate` exactly.
"use strict";

(function () {
  const form = document.getElementById("answers");
  if (!form) return;
  const NA = "__na__";
  const fieldsets = Array.from(form.querySelectorAll("fieldset[data-question]"));
  const status = document.getElementById("autosave-status");

  // --- values -----------------------------------------------------------------------------
  function typed(type, raw) {
    if (raw.length === 0) return null;
    if (raw.length === 1 && raw[0] === NA) return NA;
    if (type === "multi_choice") return new Set(raw);
    if (type === "number") {
      const n = Number(raw[0].replace(/,/g, ""));
      return Number.isFinite(n) ? n : raw[0];
    }
    return raw[0];
  }

  function rawValues(fieldset) {
    const inputs = fieldset.querySelectorAll("[name^='q-']");
    const raw = [];
    inputs.forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) return;
      if (input.value.trim() !== "") raw.push(input.value.trim());
    });
    return raw;
  }

  // --- the condition language (see conditions.py) ---------------------------------------------
  function isNumber(v) { return typeof v === "number" && Number.isFinite(v); }
  function asDate(v) {
    if (typeof v !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return null;
    const d = new Date(v + "T00:00:00Z");
    return isNaN(d) || d.toISOString().slice(0, 10) !== v ? null : d.getTime();
  }
  function asSet(v) {
    if (v instanceof Set) return v;
    return typeof v === "string" ? new Set([v]) : null;
  }
  function sameSet(a, b) {
    if (a.size !== b.size) return false;
    for (const item of a) if (!b.has(item)) return false;
    return true;
  }
  function comparable(a, b, ordered) {
    if (isNumber(a) && isNumber(b)) return [a, b];
    if (ordered) {
      const da = asDate(a), db = asDate(b);
      return da === null || db === null ? null : [da, db];
    }
    if (typeof a === "string" && typeof b === "string") return [a, b];
    const sa = a instanceof Set || b instanceof Set ? asSet(a) : null;
    const sb = sa ? asSet(b) : null;
    return sa && sb ? [sa, sb] : null;
  }
  const ORDER = { "<": (x, y) => x < y, "<=": (x, y) => x <= y,
                  ">": (x, y) => x > y, ">=": (x, y) => x >= y };
  const MIRROR = { "==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<=" };

  function compare(op, answer, other) {
    const pair = comparable(answer, other, op in ORDER);
    if (!pair) return false;
    const [l, r] = pair;
    if (l instanceof Set) return op === "==" ? sameSet(l, r) : op === "!=" ? !sameSet(l, r) : false;
    if (op === "==") return l === r;
    if (op === "!=") return l !== r;
    return ORDER[op](l, r);
  }
  function operand(node, answers) {
    if ("ref" in node) return answers.has(node.ref) ? answers.get(node.ref) : null;
    return node.value;
  }
  function evaluate(node, answers) {
    switch (node.kind) {
      case "and": return node.operands.every((o) => evaluate(o, answers));
      case "or": return node.operands.some((o) => evaluate(o, answers));
      case "not": return !evaluate(node.operand, answers);
      case "answered": return answers.has(node.ref);
      case "contains": {
        const chosen = answers.get(node.ref);
        return chosen instanceof Set && chosen.has(node.value);
      }
      case "in": {
        const answer = answers.get(node.ref);
        return answer !== undefined && node.values.some((v) => compare("==", answer, v));
      }
      case "compare": {
        let op = node.op, left = node.left, right = node.right;
        if (!("ref" in left)) { op = MIRROR[op]; [left, right] = [right, left]; }
        const answer = operand(left, answers), other = operand(right, answers);
        return answer !== null && other !== null && compare(op, answer, other);
      }
    }
    return false;
  }

  // --- visibility: walk the questions in order, hiding cascades --------------------------------
  function refresh() {
    const answers = new Map();
    JSON.parse(form.dataset.known || "[]").forEach(function (entry) {
      const value = typed(entry[1], entry[2]);
      if (value !== null) answers.set(entry[0], value);
    });
    fieldsets.forEach(function (fieldset) {
      const condition = fieldset.dataset.showIf ? JSON.parse(fieldset.dataset.showIf) : null;
      const visible = condition === null || evaluate(condition, answers);
      fieldset.hidden = !visible;
      if (!visible || fieldset.dataset.type === "evidence") return;
      const value = typed(fieldset.dataset.type, rawValues(fieldset));
      if (value !== null) answers.set(fieldset.dataset.question, value);
    });
  }

  // --- autosave -------------------------------------------------------------------------------
  let timer = null;
  let saving = false;
  let again = false;
  function say(text) { if (status) status.textContent = text; }

  function showMessages(report) {
    fieldsets.forEach(function (fieldset) {
      const id = fieldset.dataset.question;
      const message = (report.errors || {})[id] || (report.conflicts || {})[id] || "";
      const slot = fieldset.querySelector("[data-error]");
      if (slot) { slot.textContent = message; slot.hidden = message === ""; }
      fieldset.classList.toggle("has-error", message !== "");
      const version = (report.versions || {})[id];
      const hidden = form.querySelector("input[name='v-" + id + "']");
      if (hidden && version !== undefined && !(id in (report.conflicts || {}))) {
        hidden.value = String(version);
      }
    });
  }

  async function save() {
    if (saving) { again = true; return; }
    saving = true;
    const data = new FormData(form);
    for (const key of Array.from(data.keys())) {
      // Files and notes to the reviewer go with "Save": a note is a new comment each time.
      if (key.startsWith("f-") || key.startsWith("n-") || key === "then") data.delete(key);
    }
    fieldsets.filter((f) => f.hidden).forEach(function (f) {
      data.delete("q-" + f.dataset.question);
      data.delete("v-" + f.dataset.question);
    });
    try {
      const response = await fetch(window.location.pathname, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "Accept": "application/json",
                   "X-CSRFToken": form.querySelector("input[name='csrf_token']").value },
      });
      const type = response.headers.get("Content-Type") || "";
      if (!type.startsWith("application/json")) {
        say(form.dataset.msgSession || "Not saved: your session has ended. Keep this page open, sign in again in another tab, then press Save.");
        return;
      }
      const report = await response.json();
      if (report.stale) {
        say(form.dataset.msgStale || "Not saved: this page has expired. Press Save to keep your answers.");
        return;
      }
      showMessages(report);
      const time = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      say(response.ok ? (form.dataset.msgSaved || "Saved") + " " + time
                      : form.dataset.msgProblems || "Some answers were not saved; see the notes.");
    } catch (error) {
      say(form.dataset.msgOffline || "Not saved: the portal cannot be reached. Your answers stay on this page; press Save when you are back online.");
    } finally {
      saving = false;
      if (again) { again = false; save(); }
    }
  }

  function schedule(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, delay);
  }

  form.addEventListener("change", function (event) {
    refresh();
    if (!form.hasAttribute("data-locked") && !event.target.name.startsWith("f-")) schedule(300);
  });
  form.addEventListener("input", function (event) {
    refresh();
    if (!form.hasAttribute("data-locked") && event.target.tagName === "TEXTAREA") schedule(1500);
  });
  refresh();
})();
