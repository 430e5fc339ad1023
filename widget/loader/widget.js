// Baton chat loader. Embed: <script src="https://HOST/widget.js" data-site="SITE" async></script>
// Optional: data-locale="de"; data-launcher="hidden" (open it with Baton('open') from your own
// button); data-visitor-name, data-visitor-email and data-visitor-<attribute> tell agents who
// the visitor is (e.g. data-visitor-plan="vip"); data-user-id with data-user-hash (the site's
// server signs the id) makes that the site's verified word. Agents see the page's origin and
// path; data-page-url="full" sends its query and fragment too (they may carry personal data).
// window.Baton is a command queue (README "JavaScript API", types in baton.d.ts): calls made
// before this script ran, as `(window.Baton.q = window.Baton.q || []).push(arguments)`, are
// run in order. Once the page has loaded and the browser is idle, the widget mounts into a
// shadow root so neither page's CSS reaches the other. Any failure leaves no trace.
(() => {
  const script =
    document.currentScript || document.querySelector('script[data-site][src*="widget.js"]');
  if (!script || window.__batonChat) return;
  window.__batonChat = 1;
  const d = script.dataset;
  const site = d.site;
  // The directory the loader was served from: the widget build and the API live beside it.
  const base = script.src.replace(/\/[^/]*$/, "");
  const api = base + "/api/sites/" + encodeURIComponent(site);
  const key = "baton:" + site;
  // Storage throws in some privacy modes; the chat then simply does not resume.
  const stored = (k, forget) => {
    try {
      return forget ? localStorage.removeItem(k) : localStorage.getItem(k);
    } catch (e) {}
  };

  // The visitor as the start request carries it; the edge validates every field.
  let visitor;
  const fromTag = () => {
    visitor = { attributes: {}, user_id: d.userId, user_hash: d.userHash };
    for (const [k, v] of Object.entries(d))
      if (k.length > 7 && k.startsWith("visitor")) {
        const name = k[7].toLowerCase() + k.slice(8);
        (name == "name" || name == "email" ? visitor : visitor.attributes)[name] = v;
      }
  };
  fromTag();

  // Tells an open conversation at once; one not started yet gets it when it starts.
  const tell = (fields) => {
    const { attributes, ...rest } = fields || {};
    Object.assign(visitor, rest);
    Object.assign(visitor.attributes, attributes);
    // The widget keeps the conversation's token and id there (connection.rs).
    const token = stored(key), id = stored(key + ":c");
    if (token && id)
      fetch(api + "/conversations/" + encodeURIComponent(id) + "/identify", {
        method: "POST",
        headers: { authorization: "Bearer " + token, "content-type": "application/json" },
        body: JSON.stringify(visitor),
      }).then((r) => r.ok || console.warn("Baton: identify refused (" + r.status + ")"));
  };

  const listeners = {};
  const emit = (name, detail) => {
    detail = typeof detail == "string" ? JSON.parse(detail) : detail;
    // Without a launcher to return to, the focus goes back to the page's own button.
    if (name == "close" && !launcher && opener && opener.focus) opener.focus();
    if (name == "message" && detail.from != "customer" && document.hidden) title(++unseen);
    for (const f of listeners[name] || []) {
      try {
        f(detail);
      } catch (e) {
        console.error(e);
      }
    }
  };

  // A reply while the tab is hidden shows in the page's title until the visitor looks.
  let unseen = 0, pageTitle, words = [];
  const title = (n) => {
    if (pageTitle == null) pageTitle = document.title;
    // words[60] is i18n::Text::NewMessage.
    document.title = "(" + n + ") " + (words[60] || "New message");
  };
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && pageTitle != null) {
      document.title = pageTitle;
      pageTitle = null;
      unseen = 0;
    }
  });

  let opener, host, widget, locale = d.locale, launcher = d.launcher != "hidden", later = [];
  const showLauncher = () => host && host.toggleAttribute("data-no-launcher", !launcher);

  // The visitor's language (setLocale > data-locale > the browser's), its words, and the site's
  // look: custom properties and attributes the widget's stylesheet reads through the shadow root.
  const configure = () =>
    fetch(api + "/widget?locales=" + encodeURIComponent([locale, ...navigator.languages]))
      .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      .then((config) => {
        words = config.texts;
        visitor.locale = host.lang = config.locale;
        host.dir = config.dir;
        const t = config.theme || {}, style = host.style;
        style.setProperty("--baton-accent", t.accent);
        style.setProperty("--baton-accent-dark", t.accent_dark);
        host.setAttribute("data-side", t.position);
        // A CSS string: the edge allows one line of plain text.
        if (t.launcher_label) style.setProperty("--baton-label", JSON.stringify(t.launcher_label));
        host.toggleAttribute("data-label", !!t.launcher_label);
        return JSON.stringify(words);
      });

  const boot = () => {
    host = document.createElement("baton-chat");
    // Inline, so page rules cannot restyle the host (inherited fonts and colours included).
    host.style.cssText = "all:initial";
    const root = host.attachShadow({ mode: "open" });
    document.body.appendChild(host);
    showLauncher();
    Promise.all([
      import(base + "/widget/baton_widget.js").then(async (m) => {
        await m.default({ module_or_path: base + "/widget/baton_widget_bg.wasm" });
        return m;
      }),
      configure(),
    ])
      .then(([m, texts]) => {
        const page = () => (d.pageUrl == "full" ? location.href : location.origin + location.pathname);
        m.mount(root, site, base, texts, () => JSON.stringify({ ...visitor, page: page() }), emit);
        widget = m;
        emit("ready", {});
        for (const args of later.splice(0)) run(args);
      })
      .catch(() => host.remove());
  };

  const commands = {
    open: 1,
    close: 1,
    toggle: 1,
    showLauncher: () => ((launcher = true), showLauncher()),
    hideLauncher: () => ((launcher = false), showLauncher()),
    identify: tell,
    setAttributes: (attributes) => tell({ attributes }),
    setLocale: (l) => {
      locale = l;
      if (widget) configure().then((texts) => widget.command("locale", texts));
    },
    reset: () => {
      stored(key, 1);
      stored(key + ":c", 1);
      fromTag();
      if (widget) widget.command("reset", "");
    },
    on: (name, f) => (listeners[name] = listeners[name] || []).push(f),
    off: (name, f) => (listeners[name] = (listeners[name] || []).filter((g) => g != f)),
  };
  // Opening waits for the widget; everything else takes effect at once.
  const run = (args) => {
    const [name, value, f] = args;
    const c = commands[name];
    if (c == 1 && name != "close") opener = document.activeElement;
    if (c == 1) widget ? widget.command(name, "") : later.push(args);
    else if (c) c(value, f);
    else console.warn("Baton: unknown command " + name);
  };
  const queued = (window.Baton && window.Baton.q) || [];
  window.Baton = (...args) => run(args);
  for (const args of queued) run(args);

  // requestIdleCallback where there is one; setTimeout (which ignores the options) elsewhere.
  const idle = () => (window.requestIdleCallback || setTimeout)(boot, { timeout: 3000 });
  if (document.readyState === "complete") idle();
  else addEventListener("load", idle);
})();
