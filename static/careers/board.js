// The board per job: drag an application's card to another column to move it there.
// Progressive enhancement: the Back / Next buttons (and the reject form) stay and work with the
// keyboard and without JavaScript; a drop posts the same form to the same move endpoint.
// Rejected is not a drop target: rejecting needs a reason, given in the card's own form.
(() => {
  "use strict";
  const board = document.querySelector("[data-board]");
  if (!board || !("draggable" in document.createElement("div"))) return;
  let dragged = null;

  const columnOf = (el) => el.closest("[data-stage]");

  board.querySelectorAll("[data-move-url]").forEach((card) => {
    card.setAttribute("draggable", "true");
    card.addEventListener("dragstart", (event) => {
      dragged = card;
      card.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.dataset.moveUrl);
    });
    card.addEventListener("dragend", () => {
      card.classList.remove("dragging");
      board.querySelectorAll(".drop-target").forEach((c) => c.classList.remove("drop-target"));
      dragged = null;
    });
  });

  board.querySelectorAll("[data-drop]").forEach((column) => {
    const accepts = () => dragged && columnOf(dragged) !== column;
    column.addEventListener("dragover", (event) => {
      if (!accepts()) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      column.classList.add("drop-target");
    });
    column.addEventListener("dragleave", (event) => {
      if (!column.contains(event.relatedTarget)) column.classList.remove("drop-target");
    });
    column.addEventListener("drop", (event) => {
      if (!accepts()) return;
      event.preventDefault();
      const form = dragged.querySelector("form[data-move]");
      if (!form) return;
      // form.submit() sends no button, so the target stage travels in a hidden field.
      const stage = document.createElement("input");
      stage.type = "hidden";
      stage.name = "stage";
      stage.value = column.dataset.stage;
      form.appendChild(stage);
      form.submit();
    });
  });
})();
