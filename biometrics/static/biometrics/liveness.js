// Liveness capture: record the camera while the member follows the challenge's poses, one
// after the other (server-issued timing in the section's data attributes), and put the frames
// (JPEG, unmirrored, capture order) into the form's `frames` input and their capture times
// (epoch milliseconds) into `frame_times`. The preview is mirrored (CSS) like a mirror; the
// frames come from the raw video, as the server's head-pose check expects. Without camera,
// JavaScript or DataTransfer the member can ask a person to check a selfie instead.
// Light challenge: with the challenge's colour sequence (data-light: starts in ms after the first
// frame, and colours), the screen around the preview shows those colours while recording, after
// a warning on the page; never more than 3 changes a second (WCAG 2.3.1). A member whose device
// asks for reduced motion gets no colours, and is told so and offered review by a person.
(() => {
  "use strict";

  const PALETTE = { warm: "rgb(255, 190, 140)", cool: "rgb(140, 190, 255)", green: "rgb(170, 255, 170)" };
  // WCAG 2.3.1: at most 3 changes a second. The server spaces them 400 ms or more; a change
  // painted late never comes sooner than this after the one before.
  const MIN_CHANGE_MS = 350;

  // The server's sequence, or null if it is missing or not one this page may show.
  const lightSequence = (raw) => {
    if (!raw) return null;
    let parsed = null;
    try {
      parsed = JSON.parse(raw);
    } catch (error) {
      return null;
    }
    const starts = parsed && parsed.starts_ms;
    const colours = parsed && parsed.colours;
    if (!Array.isArray(starts) || !Array.isArray(colours) || !starts.length) return null;
    if (starts.length !== colours.length || starts[0] !== 0) return null;
    if (!colours.every((colour) => Object.prototype.hasOwnProperty.call(PALETTE, colour))) return null;
    for (let i = 1; i < starts.length; i += 1) {
      if (!(starts[i] - starts[i - 1] >= MIN_CHANGE_MS)) return null;
    }
    return { starts, colours };
  };

  const setUp = (box) => {
    if (box.dataset.livenessReady) return; // the partial may be included with the script twice
    box.dataset.livenessReady = "1";
    const media = navigator.mediaDevices;
    const camera = box.querySelector("[data-liveness-camera]");
    const framesInput = box.querySelector("[data-liveness-frames]");
    const timesInput = box.querySelector("[data-liveness-times]");
    if (!camera || !framesInput || !timesInput) return;
    if (!media || !media.getUserMedia || typeof DataTransfer === "undefined") return;
    const steps = Array.from(box.querySelectorAll("[data-liveness-step]"));
    const video = box.querySelector("[data-liveness-video]");
    const guide = box.querySelector("[data-liveness-guide]");
    const prompt = box.querySelector("[data-liveness-prompt]");
    const start = box.querySelector("[data-liveness-start]");
    const stop = box.querySelector("[data-liveness-stop]");
    const failed = box.querySelector("[data-liveness-error]");
    const status = box.querySelector("[data-liveness-status]");
    const data = box.dataset;
    const notice = box.querySelector("[data-liveness-light-notice]");
    const screen = box.querySelector("[data-liveness-light-screen]");
    const reduced = Boolean(
      window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches,
    );
    const light = reduced || !screen ? null : lightSequence(data.light);
    const stepMs = Number(data.stepMs) || 1300;
    const leadMs = Number(data.leadMs) || 400;
    const fps = Number(data.fps) || 10;
    const width = Number(data.width) || 640;
    const maxFrames = Number(data.maxFrames) || 60;
    let stream = null;
    let timer = null;
    let recording = false;
    let origin = null; // epoch ms of the first frame: the light sequence's zero
    let painter = null;
    let shown = null;
    let changedAt = -Infinity;

    // The colour on screen follows the sequence from the first frame on (requestAnimationFrame).
    const paint = () => {
      painter = null;
      if (!light || !recording || origin === null) return;
      const elapsed = Date.now() - origin;
      let index = 0;
      while (index + 1 < light.starts.length && light.starts[index + 1] <= elapsed) index += 1;
      const colour = light.colours[index];
      const now = performance.now();
      if (colour !== shown && now - changedAt >= MIN_CHANGE_MS) {
        screen.style.backgroundColor = PALETTE[colour];
        screen.hidden = false;
        camera.classList.add("liveness-lit");
        shown = colour;
        changedAt = now;
      }
      painter = window.requestAnimationFrame(paint);
    };
    const unpaint = () => {
      if (painter !== null) window.cancelAnimationFrame(painter);
      painter = null;
      origin = null;
      shown = null;
      changedAt = -Infinity;
      if (!screen) return;
      screen.hidden = true;
      screen.style.backgroundColor = "";
      camera.classList.remove("liveness-lit");
    };

    const show = (live) => {
      video.hidden = !live;
      guide.hidden = !live;
      prompt.hidden = !live;
      stop.hidden = !live;
      start.hidden = live;
    };
    const close = () => {
      recording = false;
      if (timer) window.clearInterval(timer);
      timer = null;
      unpaint();
      if (stream) stream.getTracks().forEach((track) => track.stop());
      stream = null;
      video.srcObject = null;
      show(false);
    };
    // After a recording, each step shows a thumbnail of the frame from the middle of its pose,
    // so the member sees what was captured before sending it.
    const thumbnails = (pairs) => {
      steps.forEach((step, index) => {
        const old = step.querySelector("img.liveness-thumb");
        if (old) {
          URL.revokeObjectURL(old.src);
          old.remove();
        }
        const own = pairs.filter(([, , pose]) => pose === index);
        if (!own.length) return;
        const [blob] = own[Math.floor(own.length / 2)];
        const img = document.createElement("img");
        img.className = "liveness-thumb";
        img.src = URL.createObjectURL(blob);
        img.alt = `${data.textThumbnail || ""} ${step.textContent.trim()}`.trim();
        step.appendChild(img);
      });
    };
    const mark = (index) => {
      steps.forEach((step, i) => {
        step.classList.toggle("current", i === index);
        step.classList.toggle("done", i < index);
      });
    };

    const record = () => {
      const blobs = [];
      const times = [];
      const poses = [];
      const canvas = document.createElement("canvas");
      const scale = Math.min(1, width / video.videoWidth);
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      const context = canvas.getContext("2d");
      const began = performance.now();
      const total = leadMs + stepMs * steps.length;
      let pending = 0;
      recording = true;
      prompt.textContent = data.textGetReady || "";
      status.textContent = data.textRecording || "";
      const finish = () => {
        if (pending > 0) {
          window.setTimeout(finish, 50);
          return;
        }
        const pairs = blobs
          .map((blob, i) => [blob, times[i], poses[i]])
          .filter(([blob]) => blob)
          .sort((a, b) => a[1] - b[1]);
        if (pairs.length < 12) {
          status.textContent = data.textTooShort || "";
          return;
        }
        const files = new DataTransfer();
        pairs.forEach(([blob], i) => {
          files.items.add(new File([blob], `frame-${i + 1}.jpg`, { type: "image/jpeg" }));
        });
        framesInput.files = files.files;
        timesInput.value = pairs.map(([, time]) => time).join(",");
        framesInput.dispatchEvent(new Event("change", { bubbles: true }));
        mark(steps.length);
        thumbnails(pairs);
        status.textContent = data.textDone || "";
        start.focus();
      };
      timer = window.setInterval(() => {
        const elapsed = performance.now() - began;
        if (!recording || elapsed > total || blobs.length >= maxFrames) {
          const complete = recording && elapsed > total;
          close();
          if (complete || blobs.length >= maxFrames) finish();
          return;
        }
        let pose = -1;
        if (elapsed >= leadMs) {
          const index = Math.min(steps.length - 1, Math.floor((elapsed - leadMs) / stepMs));
          pose = index;
          if (!steps[index].classList.contains("current")) {
            mark(index);
            prompt.textContent = steps[index].textContent.trim();
          }
        }
        if (!video.videoWidth) return;
        // the raw (unmirrored) video, whatever the preview shows
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        const slot = blobs.length;
        const taken = Date.now();
        if (slot === 0 && light) {
          origin = taken;
          paint();
        }
        blobs.push(null);
        times.push(taken);
        poses.push(pose);
        pending += 1;
        canvas.toBlob(
          (blob) => {
            blobs[slot] = blob;
            pending -= 1;
          },
          "image/jpeg",
          0.85,
        );
      }, 1000 / fps);
    };

    start.addEventListener("click", () => {
      failed.hidden = true;
      framesInput.value = "";
      timesInput.value = "";
      mark(-1);
      media
        .getUserMedia({ video: { facingMode: "user", width: { ideal: 1280 } }, audio: false })
        .then((s) => {
          stream = s;
          video.srcObject = s;
          show(true);
          return video.play();
        })
        .then(() => {
          stop.focus();
          record();
        })
        .catch(() => {
          close();
          failed.hidden = false;
        });
    });

    stop.addEventListener("click", () => {
      close();
      mark(-1);
      status.textContent = "";
      start.focus();
    });
    window.addEventListener("pagehide", close);
    if (notice && (light || reduced)) {
      // the warning before recording; with reduced motion, no colours and the plain alternative
      notice.hidden = false;
      const warning = notice.querySelector("[data-liveness-light-warning]");
      const calm = notice.querySelector("[data-liveness-light-reduced]");
      if (warning) warning.hidden = !light;
      if (calm) calm.hidden = !reduced;
    }
    camera.hidden = false;
  };

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-liveness]").forEach(setUp);
  });
})();
