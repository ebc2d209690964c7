// Identity verification pages: the stepper, photo previews and status polling.
// Progressive enhancement only: without JavaScript the stepper is one form sent at once.
(() => {
  "use strict";

  const csrfToken = (form) => {
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  };

  // Show a preview of a chosen photo (never uploaded before submit, except by the stepper).
  const previews = () => {
    document.querySelectorAll("input[type=file][data-preview]").forEach((input) => {
      const img = document.getElementById(input.dataset.preview);
      if (!img) return;
      input.addEventListener("change", () => {
        const file = input.files && input.files[0];
        if (!file) return;
        if (img.dataset.objectUrl) URL.revokeObjectURL(img.dataset.objectUrl);
        img.dataset.objectUrl = URL.createObjectURL(file);
        img.src = img.dataset.objectUrl;
        img.hidden = false;
      });
    });
  };

  // --- NIK rules, mirrored from biometrics/nik.py (the server's answer follows on change) ---
  const nikProblem = (form, raw, birth, sex) => {
    const t = form.dataset;
    const nik = raw.replace(/[\s.\-]/g, "");
    if (!nik) return "";
    if (!/^[0-9]+$/.test(nik)) return t.textNikDigits;
    if (nik.length !== 16) return t.textNikLength;
    const provinces = (t.nikProvinces || "").split(",");
    if (!provinces.includes(nik.slice(0, 2))) return t.textNikProvince;
    let day = Number(nik.slice(6, 8));
    const month = Number(nik.slice(8, 10));
    const yy = Number(nik.slice(10, 12));
    const female = day > 40;
    if (female) day -= 40;
    const valid = (y) => {
      const d = new Date(Date.UTC(y, month - 1, day));
      return d.getUTCFullYear() === y && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
    };
    if (!(month >= 1 && month <= 12 && day >= 1 && (valid(2000 + yy) || valid(1900 + yy)))) {
      return t.textNikDate;
    }
    if (nik.slice(12) === "0000") return t.textNikSerial;
    if (birth) {
      const [y, m, d] = birth.split("-").map(Number);
      if (y && (d !== day || m !== month || y % 100 !== yy)) return t.textNikBirth;
    }
    if (sex && (sex === "F") !== female) return t.textNikSex;
    return "";
  };

  const fieldBox = (form, name) => form.querySelector(`[data-field="${name}"]`);

  const clearErrors = (form, names) => {
    names.forEach((name) => {
      const box = fieldBox(form, name);
      if (!box) return;
      box.querySelectorAll(".field-errors").forEach((el) => el.remove());
      const input = box.querySelector("input, select, textarea");
      if (input) input.removeAttribute("aria-invalid");
    });
  };

  const showErrors = (form, errors) => {
    let first = null;
    Object.entries(errors || {}).forEach(([name, messages]) => {
      const box = fieldBox(form, name);
      if (!box) return;
      box.querySelectorAll(".field-errors").forEach((el) => el.remove());
      // The alert wraps the list: a role on the <ul> itself would hide its list semantics.
      const alert = document.createElement("div");
      alert.className = "field-errors";
      alert.setAttribute("role", "alert");
      const list = document.createElement("ul");
      list.className = "errorlist";
      messages.forEach((text) => {
        const li = document.createElement("li");
        li.textContent = text;
        list.appendChild(li);
      });
      alert.appendChild(list);
      box.appendChild(alert);
      const input = box.querySelector("input, select, textarea");
      if (input) {
        input.setAttribute("aria-invalid", "true");
        if (!first) first = input;
      }
    });
    return first;
  };

  const DETAILS = ["id_type", "id_number", "full_name", "date_of_birth", "sex"];

  const stepper = (form) => {
    const steps = Array.from(form.querySelectorAll("[data-step]"));
    const tabs = Array.from(form.querySelectorAll("[data-step-tab]"));
    const count = form.querySelector("[data-step-count]");
    const value = (name) => {
      const el = form.elements.namedItem(name);
      return el && "value" in el ? String(el.value) : "";
    };
    let current = Number(form.dataset.firstStep) || 1;
    let hasDocument = form.dataset.hasDocument === "1";
    let challengeExpired = false;

    const post = (data) =>
      fetch(form.dataset.draftUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(form), Accept: "application/json" },
      }).then((response) => response.json().then((body) => ({ ok: response.ok, body })));

    const detailsData = () => {
      const data = new FormData();
      DETAILS.forEach((name) => data.append(name, value(name)));
      return data;
    };

    const summary = () => {
      const list = form.querySelector("[data-review]");
      if (!list) return;
      list.replaceChildren();
      const add = (term, text) => {
        const dt = document.createElement("dt");
        dt.textContent = term;
        const dd = document.createElement("dd");
        dd.textContent = text;
        list.append(dt, dd);
      };
      DETAILS.forEach((name) => {
        const el = form.elements.namedItem(name);
        const label = form.querySelector(`label[for="id_${name}"]`);
        if (!el || !label) return;
        const shown = el.tagName === "SELECT" && el.selectedIndex >= 0
          ? el.options[el.selectedIndex].text : el.value;
        add(label.textContent.trim(), shown || "—");
      });
      const doc = form.querySelector("#step-document-title");
      add(doc.textContent.replace(/^\d+\.\s*/, ""), hasDocument ? form.dataset.textKept : form.dataset.textMissing);
      const files = Array.from(form.querySelectorAll("#step-liveness input[type=file]"));
      const filled = (input) => input.files && input.files.length > 0;
      const poses = files.filter((input) => /^frame_/.test(input.name));
      const selfie = files.filter((input) => input.name === "selfie");
      // Without liveness (or before any pose) a selfie stands for the face step.
      const frames = poses.length && (poses.some(filled) || !selfie.some(filled)) ? poses : selfie;
      if (frames.length) {
        const taken = frames.filter(filled).length;
        const face = form.querySelector("#step-liveness-title");
        add(
          face.textContent.replace(/^\d+\.\s*/, ""),
          form.dataset.textPhotos.replace("{taken}", taken).replace("{total}", frames.length),
        );
      }
      list.hidden = false;
    };

    const show = (step, focus) => {
      current = Math.min(Math.max(step, 1), steps.length);
      steps.forEach((section) => {
        section.hidden = Number(section.dataset.step) !== current;
      });
      tabs.forEach((tab) => {
        const n = Number(tab.dataset.stepTab);
        tab.classList.toggle("done", n < current);
        tab.classList.toggle("current", n === current);
        if (n === current) tab.setAttribute("aria-current", "step");
        else tab.removeAttribute("aria-current");
      });
      if (count) count.textContent = form.dataset.textStep.replace("{step}", current);
      if (current === 4) summary();
      if (focus) {
        const heading = steps[current - 1].querySelector("h2");
        if (heading) heading.focus();
      }
      const container = form.querySelector("[data-liveness-container]");
      if (container && current === 3) {
        container.dispatchEvent(new CustomEvent("verification:liveness-shown", { bubbles: true }));
      }
    };

    const renew = () => {
      // Keep the details in the draft, then load new liveness instructions on step 3.
      const status = form.querySelector("[data-countdown]");
      if (status) status.textContent = form.dataset.textExpired;
      post(detailsData())
        .catch(() => null)
        .then(() => window.location.assign(`${form.dataset.startUrl}?step=3&renewed=1#step-liveness`));
    };

    const saveDetails = (button) => {
      button.disabled = true;
      clearErrors(form, DETAILS);
      return post(detailsData())
        .then(({ ok, body }) => {
          if (ok) return true;
          if (body && body.error) showErrors(form, { id_type: [body.error.message] });
          const first = showErrors(form, body.errors);
          if (first) first.focus();
          return false;
        })
        .catch(() => {
          showErrors(form, { full_name: [form.dataset.textOffline] });
          return false;
        })
        .finally(() => {
          button.disabled = false;
        });
    };

    form.querySelectorAll("[data-next]").forEach((button) => {
      button.addEventListener("click", () => {
        if (current === 1) {
          saveDetails(button).then((ok) => {
            if (ok) show(2, true);
          });
        } else if (current === 2) {
          if (!hasDocument) {
            const first = showErrors(form, { document: [form.dataset.textNeedDocument] });
            if (first) first.focus();
            return;
          }
          if (challengeExpired) { renew(); return; }
          show(3, true);
        } else {
          show(current + 1, true);
        }
      });
    });
    form.querySelectorAll("[data-back]").forEach((button) => {
      button.hidden = false;
      button.addEventListener("click", () => show(current - 1, true));
    });
    tabs.forEach((tab) => {
      const link = tab.querySelector("a");
      link.addEventListener("click", (event) => {
        event.preventDefault();
        const n = Number(tab.dataset.stepTab);
        if (n < current) show(n, true);  // forward only through Continue, which saves
      });
    });

    // NIK, date of birth and sex checked against each other as they are typed.
    const nikCheck = form.querySelector("[data-nik-check]");
    const check = () => {
      if (!nikCheck) return;
      if (value("id_type") !== "ktp" || !value("id_number")) {
        nikCheck.textContent = "";
        nikCheck.className = "nik-check";
        return;
      }
      const problem = nikProblem(form, value("id_number"), value("date_of_birth"), value("sex"));
      nikCheck.textContent = problem || (value("date_of_birth") && value("sex") ? form.dataset.textNikOk : "");
      nikCheck.className = problem ? "nik-check errorlist" : "nik-check ok";
    };
    let serverTimer = 0;
    const askServer = () => {
      window.clearTimeout(serverTimer);
      serverTimer = window.setTimeout(() => {
        if (!value("id_number")) return;
        post(detailsData())
          .then(({ body }) => {
            clearErrors(form, DETAILS);
            showErrors(form, body.errors);
          })
          .catch(() => null);
      }, 400);
    };
    ["id_type", "id_number", "date_of_birth", "sex"].forEach((name) => {
      const el = form.elements.namedItem(name);
      if (!el) return;
      el.addEventListener("input", check);
      el.addEventListener("change", () => { check(); askServer(); });
    });
    check();

    // The ID photo is kept in the draft as soon as it is chosen, then read to offer a prefill.
    const documentInput = form.querySelector("input[data-draft-document]");
    const documentStatus = form.querySelector("[data-document-status]");
    const prefill = form.querySelector("[data-prefill]");
    let offered = null;
    if (documentInput) {
      documentInput.addEventListener("change", () => {
        const file = documentInput.files && documentInput.files[0];
        if (!file) return;
        clearErrors(form, ["document"]);
        documentStatus.textContent = form.dataset.textReading;
        const data = new FormData();
        data.append("document", file);
        data.append("read", "1");
        post(data)
          .then(({ ok, body }) => {
            if (!ok) {
              documentStatus.textContent = "";
              const refused = body.error ? body.error.message : form.dataset.textOffline;
              showErrors(form, body.errors || { document: [refused] });
              return;
            }
            hasDocument = true;
            form.dataset.hasDocument = "1";
            documentStatus.textContent = form.dataset.textSavedDocument;
            // The draft holds it now: the form need not send it again.
            documentInput.required = false;
            offer(body.read);
          })
          .catch(() => {
            documentStatus.textContent = form.dataset.textOffline;
          });
      });
    }
    const offer = (read) => {
      if (!prefill || !read) return;
      const list = prefill.querySelector("[data-prefill-values]");
      list.replaceChildren();
      offered = {};
      DETAILS.forEach((name) => {
        if (!read[name]) return;
        const label = form.querySelector(`label[for="id_${name}"]`);
        const el = form.elements.namedItem(name);
        let shown = read[name];
        if (el && el.tagName === "SELECT") {
          const option = Array.from(el.options).find((o) => o.value === read[name]);
          if (!option) return;
          shown = option.text;
        }
        offered[name] = read[name];
        const dt = document.createElement("dt");
        dt.textContent = label ? label.textContent.trim() : name;
        const dd = document.createElement("dd");
        dd.textContent = shown;
        list.append(dt, dd);
      });
      if (!Object.keys(offered).length) return;
      prefill.hidden = false;
      prefill.querySelector("[data-prefill-use]").focus();
    };
    if (prefill) {
      prefill.querySelector("[data-prefill-use]").addEventListener("click", (event) => {
        Object.entries(offered || {}).forEach(([name, v]) => {
          const el = form.elements.namedItem(name);
          if (el) el.value = v;
        });
        prefill.hidden = true;
        check();
        saveDetails(event.currentTarget).then((ok) => show(ok ? 2 : 1, true));
      });
      prefill.querySelector("[data-prefill-ignore]").addEventListener("click", () => {
        prefill.hidden = true;
        offered = null;
        const next = steps[1].querySelector("[data-next]");
        if (next) next.focus();
      });
    }

    // The liveness challenge's countdown; at zero, new instructions (details and photo kept).
    const countdown = form.querySelector("[data-countdown]");
    if (countdown) {
      const shown = countdown.querySelector("[data-countdown-value]");
      const ends = Date.now() + Number(countdown.dataset.secondsLeft) * 1000;
      let timer = 0;
      const expire = () => {
        window.clearTimeout(timer);
        if (challengeExpired) return;
        challengeExpired = true;
        if (current >= 3) renew();
      };
      const tick = () => {
        const left = Math.max(0, Math.round((ends - Date.now()) / 1000));
        shown.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
        countdown.classList.toggle("urgent", left <= 30);
        if (left > 0) timer = window.setTimeout(tick, 1000);
        else expire();
      };
      // Also when the liveness capture says the challenge ran out: it may fire a bubbling
      // "verification:expire" event anywhere inside the face step.
      const faceStep = form.querySelector("#step-liveness");
      if (faceStep) faceStep.addEventListener("verification:expire", expire);
      tick();
    }

    form.querySelectorAll("[data-stepper-nav]").forEach((nav) => { nav.hidden = false; });
    form.classList.add("js-stepper");
    show(current, window.location.hash === "" ? false : true);
  };

  // The status page asks for news every few seconds and reloads once the state changes.
  const poll = () => {
    const box = document.getElementById("verification-status");
    if (!box || box.dataset.final === "1") return;
    let delay = 1500;
    const ask = () => {
      fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
        .then((data) => {
          if (data.status !== box.dataset.status) { window.location.reload(); return; }
          delay = Math.min(delay * 1.3, 10000);
          window.setTimeout(ask, delay);
        })
        .catch(() => window.setTimeout(ask, 10000));
    };
    window.setTimeout(ask, delay);
  };

  document.addEventListener("DOMContentLoaded", () => {
    previews();
    document.querySelectorAll("form[data-stepper]").forEach(stepper);
    poll();
  });
})();
