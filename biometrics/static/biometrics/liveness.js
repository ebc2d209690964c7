// Liveness steps: take one camera photo per pose, in order, into the form's frame_N file inputs.
// Progressive enhancement only: without JavaScript, camera access or DataTransfer the member
// chooses a file for each step. The preview is mirrored (CSS) like a mirror; the photo is taken
// from the raw, unmirrored video, as the server's head-pose check expects.
(() => {
  "use strict";

  const setUp = (box) => {
    const media = navigator.mediaDevices;
    const camera = box.querySelector("[data-liveness-camera]");
    if (!camera || !media || !media.getUserMedia || typeof DataTransfer === "undefined") return;
    const steps = Array.from(box.querySelectorAll("[data-liveness-step]"));
    const video = box.querySelector("[data-liveness-video]");
    const start = box.querySelector("[data-liveness-start]");
    const shoot = box.querySelector("[data-liveness-shoot]");
    const stop = box.querySelector("[data-liveness-stop]");
    const failed = box.querySelector("[data-liveness-error]");
    const status = box.querySelector("[data-liveness-status]");
    let stream = null;
    let current = 0;

    const show = (live) => {
      video.hidden = !live;
      shoot.hidden = !live;
      stop.hidden = !live;
      start.hidden = live;
    };
    const close = () => {
      if (stream) stream.getTracks().forEach((track) => track.stop());
      stream = null;
      video.srcObject = null;
      show(false);
    };
    const highlight = () => {
      steps.forEach((step, i) => step.classList.toggle("current", i === current));
      if (current < steps.length) status.textContent = steps[current].textContent.trim();
    };

    start.addEventListener("click", () => {
      failed.hidden = true;
      if (current >= steps.length) current = 0;  // start over: retake every step
      media
        .getUserMedia({ video: { facingMode: "user", width: { ideal: 1280 } }, audio: false })
        .then((s) => {
          stream = s;
          video.srcObject = s;
          show(true);
          highlight();
          return video.play();
        })
        .then(() => shoot.focus())
        .catch(() => {
          close();
          failed.hidden = false;
        });
    });

    shoot.addEventListener("click", () => {
      if (!stream || !video.videoWidth || current >= steps.length) return;
      const step = steps[current];
      const input = document.getElementById(step.dataset.input);
      if (!input) return;
      const canvas = document.createElement("canvas");
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      canvas.getContext("2d").drawImage(video, 0, 0);
      canvas.toBlob(
        (blob) => {
          if (!blob) return;
          const files = new DataTransfer();
          files.items.add(new File([blob], `step-${current + 1}.jpg`, { type: "image/jpeg" }));
          input.files = files.files;
          input.dispatchEvent(new Event("change", { bubbles: true }));
          step.classList.add("done");
          current += 1;
          if (current >= steps.length) {
            status.textContent = box.dataset.allDoneText || "";
            close();
            start.focus();
          } else {
            highlight();
          }
        },
        "image/jpeg",
        0.92,
      );
    });

    stop.addEventListener("click", () => {
      close();
      start.focus();
    });
    window.addEventListener("pagehide", close);
    camera.hidden = false;
  };

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-liveness]").forEach(setUp);
  });
})();
