/* bilateral's file:// worker shim for the offline docs site.
   Browsers refuse Web Workers on pages opened from disk, and the site's search runs in one. When the
   page is a file:// page, `Worker` is replaced by a stand-in that runs the worker's script in a
   hidden iframe: the script's postMessage goes to this page, this page's postMessage becomes a
   message event in the iframe, and importScripts loads scripts in order. Written for this project. */
"use strict";
(() => {
  class FrameWorker extends EventTarget {
    constructor(url) {
      super();
      this.onmessage = null;
      this.onerror = null;
      this.frame = document.createElement("iframe");
      this.frame.hidden = true;
      document.body.appendChild(this.frame);
      const scope = this.frame.contentWindow;
      // a document of our own at once: it also cancels the iframe's pending load of about:blank,
      // which would otherwise replace the globals set below
      scope.document.open();
      scope.document.write("<!doctype html><html><head></head><body></body></html>");
      scope.document.close();
      // as from a real worker: a copy, delivered in a task of its own (never inside the sender's call)
      scope.postMessage = (data) => {
        const copy = structuredClone(data);
        setTimeout(() => this.deliver(new MessageEvent("message", { data: copy })), 0);
      };
      scope.importScripts = (...urls) => urls.reduce((done, src) => done.then(() => new Promise((resolve, reject) => {
        const script = scope.document.createElement("script");
        script.src = src;
        script.onload = resolve;
        script.onerror = reject;
        scope.document.body.appendChild(script);
      })), Promise.resolve());
      scope.addEventListener("error", (event) => this.fail(event));
      this.ready = new Promise((resolve) => {
        const script = scope.document.createElement("script");
        script.src = url;
        script.onload = resolve;
        script.onerror = (event) => { this.fail(event); resolve(); };
        scope.document.body.appendChild(script);
      });
    }

    deliver(event) {
      this.dispatchEvent(event);
      if (this.onmessage) this.onmessage(event);
    }

    fail(event) {
      const error = new ErrorEvent("error", { message: event.message || "worker script failed", error: event.error });
      this.dispatchEvent(error);
      if (this.onerror) this.onerror(error);
    }

    postMessage(data) {
      const copy = structuredClone(data);
      this.ready.then(() => setTimeout(() => {
        if (this.frame.contentWindow) this.frame.contentWindow.dispatchEvent(new MessageEvent("message", { data: copy }));
      }, 0));
    }

    terminate() {
      this.frame.remove();
    }
  }

  if (location.protocol === "file:") window.Worker = FrameWorker;
})();
