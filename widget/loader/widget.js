// Baton chat loader. Embed: <script src="https://HOST/widget.js" data-site="SITE" async></script>
// Optional data-visitor-name, data-visitor-email and data-visitor-<attribute> tell agents who
// the visitor is (e.g. data-visitor-plan="vip"); data-user-id with data-user-hash (the site's
// server signs the id) makes that the site's verified word.
// Finds its own tag, then, once the page has loaded and the browser is idle, mounts the widget
// into a shadow root so neither page's CSS reaches the other. Any failure leaves no trace.
(() => {
  const script =
    document.currentScript || document.querySelector('script[data-site][src*="widget.js"]');
  if (!script || window.__batonChat) return;
  window.__batonChat = 1;
  const site = script.dataset.site;
  // The visitor as the start request carries it; the edge validates every field.
  const attributes = {};
  const d = script.dataset;
  const visitor = { locale: navigator.language, attributes, user_id: d.userId, user_hash: d.userHash };
  for (const [k, v] of Object.entries(d))
    if (k.length > 7 && k.startsWith("visitor")) {
      const key = k[7].toLowerCase() + k.slice(8);
      (key == "name" || key == "email" ? visitor : attributes)[key] = v;
    }
  // The directory the loader was served from: the widget build lives beside it.
  const base = script.src.replace(/\/[^/]*$/, "");

  const boot = () => {
    const host = document.createElement("baton-chat");
    // Inline, so page rules cannot restyle the host (inherited fonts and colours included).
    host.style.cssText = "all:initial";
    const root = host.attachShadow({ mode: "open" });
    document.body.appendChild(host);
    import(base + "/widget/baton_widget.js")
      .then(async (m) => {
        await m.default({ module_or_path: base + "/widget/baton_widget_bg.wasm" });
        m.mount(root, site, base, JSON.stringify(visitor));
      })
      .catch(() => host.remove());
  };
  // requestIdleCallback where there is one; setTimeout (which ignores the options) elsewhere.
  const idle = () => (window.requestIdleCallback || setTimeout)(boot, { timeout: 3000 });
  if (document.readyState === "complete") idle();
  else addEventListener("load", idle);
})();
