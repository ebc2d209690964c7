// Identity verification pages: photo previews and status polling. Progressive enhancement only.
document.addEventListener("DOMContentLoaded", () => {
  // Show a preview of a chosen photo next to the form (never uploaded before submit).
  document.querySelectorAll("input[type=file][data-preview]").forEach((input) => {
    const img = document.getElementById(input.dataset.preview);
    if (!img) return;
    input.addEventListener("change", () => {
      const file = input.files && input.files[0];
      if (img.src) URL.revokeObjectURL(img.src);
      if (!file) { img.hidden = true; return; }
      img.src = URL.createObjectURL(file);
      img.hidden = false;
    });
  });

  // The status page asks for news every few seconds and reloads once the state changes.
  const box = document.getElementById("verification-status");
  if (!box || box.dataset.final === "1") return;
  let delay = 1500;
  const poll = () => {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((data) => {
        if (data.status !== box.dataset.status) { window.location.reload(); return; }
        delay = Math.min(delay * 1.3, 10000);
        window.setTimeout(poll, delay);
      })
      .catch(() => window.setTimeout(poll, 10000));
  };
  window.setTimeout(poll, delay);
});
