// Career profile editor: keep unsaved text in other sections while one section saves, warn
// before leaving with unsaved changes, and suggest skills as the member types.
// Progressive enhancement: without JavaScript every form still saves on its own.
(() => {
  "use strict";
  const PREFIX = "profile-draft:";
  const note = () => document.getElementById("profile-unsaved-note");
  let submitting = false;

  const editable = (form) =>
    form.querySelector("input[type=text], input[type=number], input[type=date], textarea, select, input[type=checkbox]") !== null &&
    !form.classList.contains("skill-level");

  const snapshot = (form) => {
    const data = {};
    form.querySelectorAll("input, textarea, select").forEach((el) => {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "hidden") return;
      if (el.type === "checkbox") data[el.name] = (data[el.name] || []).concat(el.checked ? [el.value] : []);
      else if (el.multiple) data[el.name] = Array.from(el.selectedOptions).map((o) => o.value);
      else data[el.name] = el.value;
    });
    return data;
  };

  const restore = (form, data) => {
    form.querySelectorAll("input, textarea, select").forEach((el) => {
      if (!(el.name in data) || el.type === "hidden") return;
      const value = data[el.name];
      if (el.type === "checkbox") el.checked = value.includes(el.value);
      else if (el.multiple) Array.from(el.options).forEach((o) => { o.selected = value.includes(o.value); });
      else el.value = value;
    });
  };

  const markDirty = (form) => {
    form.dataset.dirty = "1";
  };

  document.addEventListener("DOMContentLoaded", () => {
    const forms = Array.from(document.querySelectorAll("[data-section] form")).filter(editable);
    forms.forEach((form) => {
      const key = PREFIX + form.getAttribute("action");
      const saved = sessionStorage.getItem(key);
      if (saved) {
        sessionStorage.removeItem(key);
        try {
          restore(form, JSON.parse(saved));
          markDirty(form);
          const msg = note();
          const flag = document.createElement("p");
          flag.className = "notice unsaved";
          flag.setAttribute("role", "status");
          flag.textContent = msg ? msg.dataset.textRestored : "";
          form.prepend(flag);
        } catch (err) {
          // A damaged draft is dropped; the saved profile shows instead.
        }
      }
      form.addEventListener("input", () => markDirty(form));
      form.addEventListener("change", () => markDirty(form));
      form.addEventListener("submit", () => {
        submitting = true;
        // Keep what the member typed in the other sections: the page reloads after this save.
        forms.forEach((other) => {
          if (other !== form && other.dataset.dirty === "1") {
            sessionStorage.setItem(PREFIX + other.getAttribute("action"), JSON.stringify(snapshot(other)));
          }
        });
      });
    });
    // Removing an entry or changing a skill's level also reloads the page: keep drafts too.
    document.querySelectorAll("[data-section] form").forEach((form) => {
      if (forms.includes(form)) return;
      form.addEventListener("submit", () => {
        submitting = true;
        forms.forEach((other) => {
          if (other.dataset.dirty === "1") {
            sessionStorage.setItem(PREFIX + other.getAttribute("action"), JSON.stringify(snapshot(other)));
          }
        });
      });
    });
    window.addEventListener("beforeunload", (event) => {
      if (submitting || !forms.some((f) => f.dataset.dirty === "1")) return;
      event.preventDefault();
      event.returnValue = note() ? note().dataset.textLeave : "";
    });

    // Skill suggestions from the catalogue and its aliases (GET /api/v1/skills/suggest/).
    document.querySelectorAll("form[data-skill-suggest]").forEach((form) => {
      const input = form.querySelector("input[name$='name']");
      const list = document.getElementById(input ? input.getAttribute("list") : "");
      const hint = form.querySelector(".did-you-mean");
      if (!input || !list || !hint) return;
      let timer = null;
      let last = "";
      const show = (body) => {
        list.replaceChildren(
          ...body.suggestions.map((s) => {
            const option = document.createElement("option");
            option.value = s.name;
            if (s.matched) option.label = `${s.matched} → ${s.name}`;
            return option;
          })
        );
        hint.replaceChildren();
        if (body.did_you_mean) {
          const [before, after] = hint.dataset.text.split("{skill}");
          const button = document.createElement("button");
          button.type = "button";
          button.className = "link suggestion";
          button.textContent = body.did_you_mean;
          button.addEventListener("click", () => {
            input.value = body.did_you_mean;
            hint.replaceChildren();
            input.focus();
          });
          hint.append(before || "", button, after || "");
        }
      };
      input.addEventListener("input", () => {
        clearTimeout(timer);
        const query = input.value.trim();
        if (query === last) return;
        timer = setTimeout(() => {
          last = query;
          if (!query) { hint.replaceChildren(); return; }
          const url = `${form.dataset.skillSuggest}?q=${encodeURIComponent(query)}`;
          fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
            .then((response) => (response.ok ? response.json() : null))
            .then((body) => { if (body && input.value.trim() === query) show(body); })
            .catch(() => {});
        }, 150);
      });
    });
  });
})();
