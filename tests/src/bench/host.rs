//! Part 2: what the widget costs the page that embeds it. The same shop page is loaded in
//! headless Chromium with and without the widget's script tag (alternating, a fresh browser
//! profile each time, so every load is a first visit), and the page measures itself.

use std::time::{Duration, Instant};

use baton_e2e::{Browser, HostPage, Page, repo_root};
use serde_json::{Value, json};

use crate::bench::options::Plan;
use crate::bench::sites::CHAT_SITE;
use crate::bench::stats::{Summary, ratio, round};

/// Long tasks count from first contentful paint to this long after the load event.
const LONG_TASK_BUDGET_MS: f64 = 50.0;
const RESULT_LIMIT: Duration = Duration::from_secs(30);
const LOADER_REQUESTS_ALONE: usize = 20;

/// Injected first in `<head>`: records long tasks and paints (buffered, so nothing before the
/// observer is missed), the load event, the first animation frame in which the widget's
/// launcher has a box, and the requests to the widget's origin made before the load event and
/// before the launcher.
fn probe(window_ms: u64, widget_origin: &str) -> String {
    format!(
        r#"<script>
(() => {{
  const b = window.__bench = {{ longTasks: [], fcp: null, launcher: null, done: false, requests: {{}} }};
  try {{
    new PerformanceObserver((list) => {{ for (const e of list.getEntries()) b.longTasks.push([e.startTime, e.duration]); }})
      .observe({{ type: 'longtask', buffered: true }});
  }} catch (e) {{ b.error = 'no longtask: ' + e; }}
  new PerformanceObserver((list) => {{
    for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') b.fcp = e.startTime;
  }}).observe({{ type: 'paint', buffered: true }});
  const launcherShown = () => {{
    for (const host of document.querySelectorAll('baton-chat')) {{
      const button = host.shadowRoot && host.shadowRoot.querySelector('button[aria-label="Open chat"]');
      if (button) {{ const r = button.getBoundingClientRect(); if (r.width > 0 && r.height > 0) return true; }}
    }}
    return false;
  }};
  const requests = (until) => performance.getEntriesByType('resource')
    .filter((r) => r.startTime <= until && new URL(r.name).origin === '{widget_origin}')
    .map((r) => new URL(r.name).pathname);
  addEventListener('load', () => {{
    // loadEventEnd is set once the load handlers have run: read it on the next task.
    setTimeout(() => {{
      const nav = performance.getEntriesByType('navigation')[0];
      b.load = nav ? nav.loadEventEnd : performance.now();
      b.requests.beforeLoad = requests(b.load);
      // An async script holds the load event until it has run: how long the loader's request
      // took, and where (the loader is served with Timing-Allow-Origin, so the phases are open).
      const loader = performance.getEntriesByType('resource').find((r) => new URL(r.name).pathname.endsWith('/widget.js'));
      if (loader) {{
        b.loaderFetch = loader.responseEnd - loader.startTime;
        b.loaderPhases = {{
          queued: Math.max(0, (loader.connectStart || loader.requestStart) - loader.startTime),
          connect: Math.max(0, loader.connectEnd - loader.connectStart),
          server: Math.max(0, loader.responseStart - loader.requestStart),
          download: Math.max(0, loader.responseEnd - loader.responseStart),
          fromCache: loader.transferSize === 0,
        }};
      }}
      const end = b.load + {window_ms};
      const frame = () => {{
        const now = performance.now();
        if (b.launcher === null && launcherShown()) {{ b.launcher = now; b.requests.beforeLauncher = requests(now); }}
        if (now < end) requestAnimationFrame(frame); else {{ b.windowEnd = now; b.done = true; }}
      }};
      requestAnimationFrame(frame);
    }}, 0);
  }});
}})();
</script>"#
    )
}

/// The demo's shop page with the probe first in `<head>` and, when `widget_base` is given, the
/// one-line embed pointing at the stack (another origin than the page's).
fn page(widget_base: Option<&str>, stack_base: &str, window_ms: u64) -> Result<String, String> {
    let path = repo_root().join("demo/demo.html");
    let demo = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    // Drop the demo's own embed; the bench adds its own where the page has one.
    let mut html: String =
        demo.lines().filter(|l| !(l.contains("<script") && l.contains("widget.js"))).collect::<Vec<_>>().join("\n");
    let head = html.find("<head>").map(|i| i + "<head>".len()).ok_or("demo.html has no <head>")?;
    html.insert_str(head, &probe(window_ms, stack_base));
    if let Some(base) = widget_base {
        let body_end = html.rfind("</body>").ok_or("demo.html has no </body>")?;
        html.insert_str(
            body_end,
            &format!(r#"<script src="{base}/widget.js" data-site="{CHAT_SITE}" async></script>"#),
        );
    }
    Ok(html)
}

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Probe {
    long_tasks: Vec<(f64, f64)>,
    fcp: Option<f64>,
    launcher: Option<f64>,
    load: f64,
    window_end: f64,
    loader_fetch: Option<f64>,
    loader_phases: Option<LoaderPhases>,
    #[serde(default)]
    requests: Requests,
    error: Option<String>,
}

/// Where the loader's request spent its time (resource timing).
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct LoaderPhases {
    queued: f64,
    connect: f64,
    server: f64,
    download: f64,
    from_cache: bool,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Requests {
    #[serde(default)]
    before_load: Vec<String>,
    #[serde(default)]
    before_launcher: Vec<String>,
}

impl Probe {
    /// Long-task time beyond 50 ms from first contentful paint to the end of the window.
    fn total_blocking_time(&self) -> f64 {
        let from = self.fcp.unwrap_or(0.0);
        self.long_tasks
            .iter()
            .filter(|(start, _)| *start >= from && *start <= self.window_end)
            .fold(0.0, |sum, (_, duration)| sum + (duration - LONG_TASK_BUDGET_MS).max(0.0))
    }
}

/// The loader's request with no browser running: what the server needs for it on a quiet
/// machine, beside what the page saw.
async fn loader_requests_alone(url: &str) -> Result<Vec<f64>, String> {
    let client = reqwest::Client::new();
    let mut times = Vec::with_capacity(LOADER_REQUESTS_ALONE);
    for _ in 0..LOADER_REQUESTS_ALONE {
        let started = Instant::now();
        let reply =
            client.get(url).header("accept-encoding", "gzip").send().await.map_err(|e| format!("{url}: {e}"))?;
        if !reply.status().is_success() {
            return Err(format!("{url}: status {}", reply.status()));
        }
        reply.bytes().await.map_err(|e| format!("{url}: {e}"))?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(times)
}

/// A first visit in a fresh profile, then a repeat visit to the same page in that profile (what
/// the cache holds by then is reused, as on a visitor's next page view).
async fn visit_twice(browser: &Browser, url: &str) -> (Result<Probe, String>, Result<Probe, String>) {
    let page = browser.page().await;
    let first = load_and_measure(&page, url).await;
    let repeat = match &first {
        Ok(_) => load_and_measure(&page, url).await,
        Err(_) => Err("no repeat visit after a failed first one".to_string()),
    };
    page.close().await;
    (first, repeat)
}

async fn load_and_measure(page: &Page, url: &str) -> Result<Probe, String> {
    page.goto(url).await;
    let deadline = Instant::now() + RESULT_LIMIT;
    loop {
        let value = page.eval("return window.__bench && window.__bench.done ? window.__bench : null", vec![]).await;
        if !value.is_null() {
            return serde_json::from_value::<Probe>(value).map_err(|e| format!("the page's figures: {e}"));
        }
        if Instant::now() >= deadline {
            return Err(format!("the page did not finish measuring within {RESULT_LIMIT:?}"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[derive(Default)]
struct Variant {
    load: Vec<f64>,
    fcp: Vec<f64>,
    tbt: Vec<f64>,
    long_tasks: Vec<f64>,
    longest_task: Vec<f64>,
    launcher_after_load: Vec<f64>,
    loader_fetch: Vec<f64>,
    loader_queued: Vec<f64>,
    loader_connect: Vec<f64>,
    loader_server: Vec<f64>,
    loader_download: Vec<f64>,
    loader_from_cache: usize,
    before_load: Vec<String>,
    before_launcher: Vec<String>,
    errors: Vec<String>,
}

impl Variant {
    fn add(&mut self, probe: Probe) {
        self.load.push(probe.load);
        self.fcp.extend(probe.fcp);
        self.tbt.push(probe.total_blocking_time());
        self.loader_fetch.extend(probe.loader_fetch);
        if let Some(phases) = probe.loader_phases {
            self.loader_queued.push(phases.queued);
            self.loader_connect.push(phases.connect);
            self.loader_server.push(phases.server);
            self.loader_download.push(phases.download);
            self.loader_from_cache += usize::from(phases.from_cache);
        }
        self.long_tasks.push(probe.long_tasks.len() as f64);
        self.longest_task.push(probe.long_tasks.iter().map(|(_, d)| *d).fold(0.0, f64::max));
        if let Some(at) = probe.launcher {
            self.launcher_after_load.push(at - probe.load);
        }
        // The same requests in every run; one copy says which they are.
        if self.before_load.is_empty() {
            self.before_load = probe.requests.before_load;
            self.before_launcher = probe.requests.before_launcher;
        }
        self.errors.extend(probe.error);
    }

    fn json(&self) -> Value {
        json!({
            "runs": self.load.len(),
            "load_event_ms": Summary::of(&self.load).json(),
            "first_contentful_paint_ms": Summary::of(&self.fcp).json(),
            "total_blocking_time_ms": Summary::of(&self.tbt).json(),
            "long_tasks": Summary::of(&self.long_tasks).json(),
            "longest_task_ms": Summary::of(&self.longest_task).json(),
            "launcher_after_load_ms": Summary::of(&self.launcher_after_load).json(),
            "loader_request_ms": Summary::of(&self.loader_fetch).json(),
            "loader_phases_ms": {
                "queued": Summary::of(&self.loader_queued).json(),
                "connect": Summary::of(&self.loader_connect).json(),
                "server": Summary::of(&self.loader_server).json(),
                "download": Summary::of(&self.loader_download).json(),
            },
            "loader_from_cache": self.loader_from_cache,
            "requests_before_load": self.before_load,
            "requests_before_launcher": self.before_launcher,
            "errors": self.errors,
        })
    }
}

/// The widget's requests in a page where the visitor opened the chat, once the start request is
/// among them: what opening the chat adds to what the launcher needed.
const OPENED: &str = r#"
const origin = arguments[0];
const paths = performance.getEntriesByType('resource')
  .filter((r) => new URL(r.name).origin === origin)
  .map((r) => new URL(r.name).pathname);
return paths.some((p) => p.endsWith('/conversations')) ? paths : null;
"#;

async fn requests_with_chat_open(browser: &Browser, url: &str, stack_base: &str) -> Result<Vec<String>, String> {
    let page = browser.page().await;
    page.goto(url).await;
    page.click("button", "Open chat").await;
    page.find("textbox", "Message").await;
    let deadline = Instant::now() + RESULT_LIMIT;
    let found = loop {
        let value = page.eval(OPENED, vec![json!(stack_base)]).await;
        if let Ok(paths) = serde_json::from_value::<Vec<String>>(value) {
            break Ok(paths);
        }
        if Instant::now() >= deadline {
            break Err("the chat did not start its conversation".to_string());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    page.close().await;
    found
}

pub async fn run(plan: &Plan, stack_base: &str) -> Result<Value, String> {
    let window_ms = plan.host_window.as_millis() as u64;
    let without = HostPage::serve(page(None, stack_base, window_ms)?).await;
    let with = HostPage::serve(page(Some(stack_base), stack_base, window_ms)?).await;
    let loader_alone = loader_requests_alone(&format!("{stack_base}/widget.js")).await?;
    let browser = Browser::start().await;
    let [mut plain, mut embedded, mut plain_again, mut embedded_again] = std::array::from_fn(|_| Variant::default());
    for run in 1..=plan.host_runs {
        for (name, url, first, repeat) in [
            ("without", &without.url, &mut plain, &mut plain_again),
            ("with", &with.url, &mut embedded, &mut embedded_again),
        ] {
            let (first_visit, repeat_visit) = visit_twice(&browser, url).await;
            for (variant, visit, probe) in [(first, "first", first_visit), (repeat, "repeat", repeat_visit)] {
                match probe {
                    Ok(probe) => variant.add(probe),
                    Err(e) => variant.errors.push(format!("run {run} {name} the widget, {visit} visit: {e}")),
                }
            }
        }
        println!("host page: run {run} of {} done", plan.host_runs);
    }
    let with_chat_open = requests_with_chat_open(&browser, &with.url, stack_base).await;
    let (load_without, load_with) = (Summary::of(&plain.load), Summary::of(&embedded.load));
    let (again_without, again_with) = (Summary::of(&plain_again.load), Summary::of(&embedded_again.load));
    let (tbt_without, tbt_with) = (Summary::of(&plain.tbt), Summary::of(&embedded.tbt));
    let launcher = Summary::of(&embedded.launcher_after_load);
    println!(
        "host page: load event p50 {:.0} ms without, {:.0} ms with the widget (repeat visit {:.0} / {:.0} ms) | \
         TBT p50 {:.0} / {:.0} ms | launcher {:.0} ms after load",
        load_without.p50, load_with.p50, again_without.p50, again_with.p50, tbt_without.p50, tbt_with.p50, launcher.p50
    );
    Ok(json!({
        "window_after_load_ms": window_ms,
        "loader_request_alone_ms": Summary::of(&loader_alone).json(),
        "without_widget": plain.json(),
        "with_widget": embedded.json(),
        "repeat_visit": {
            "without_widget": plain_again.json(),
            "with_widget": embedded_again.json(),
            "ratio": { "load_event_p50": ratio(again_with.p50, again_without.p50) },
            "delta_ms": { "load_event_p50": round(again_with.p50 - again_without.p50) },
        },
        "requests_with_chat_open": match with_chat_open {
            Ok(paths) => json!(paths),
            Err(e) => json!({ "error": e }),
        },
        "ratio": {
            "load_event_p50": ratio(load_with.p50, load_without.p50),
            "load_event_mean": ratio(load_with.mean, load_without.mean),
        },
        "delta_ms": {
            "load_event_p50": round(load_with.p50 - load_without.p50),
            "total_blocking_time_p50": round(tbt_with.p50 - tbt_without.p50),
        },
    }))
}
