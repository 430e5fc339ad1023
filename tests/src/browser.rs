//! Headless Chromium driven over WebDriver. Elements are found the way assistive technology
//! names them (role + accessible name), across shadow roots, so tests depend on the same
//! contract screen readers do.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use fantoccini::elements::{Element, ElementRef};
use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

use crate::process::{Guarded, free_port};
use crate::wait::{DEFAULT_DEADLINE, until_some};

const W3C_ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Finds a visible element by ARIA role and accessible name in the document and every open
/// shadow root. Covers the roles Baton's UIs use; `exact` compares whole names.
const FIND_BY_ROLE: &str = r#"
const [role, name, exact] = arguments;
const roots = [document];
for (let i = 0; i < roots.length; i++)
  for (const el of roots[i].querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
const implicitRole = (el) => {
  const tag = el.tagName.toLowerCase();
  if (tag === 'button') return 'button';
  if (tag === 'textarea') return 'textbox';
  if (/^h[1-6]$/.test(tag)) return 'heading';
  if (tag === 'ol' || tag === 'ul') return 'list';
  if (tag === 'a' && el.hasAttribute('href')) return 'link';
  if (tag === 'section' && (el.hasAttribute('aria-label') || el.hasAttribute('aria-labelledby'))) return 'region';
  if (tag === 'form' && (el.hasAttribute('aria-label') || el.hasAttribute('aria-labelledby'))) return 'form';
  if (tag === 'select') return 'combobox';
  if (tag === 'table') return 'table';
  if (tag === 'tr') return 'row';
  if (tag === 'input') {
    const type = (el.getAttribute('type') || 'text').toLowerCase();
    if (['text', 'email', 'password', 'search', 'tel', 'url'].includes(type)) return 'textbox';
    if (type === 'checkbox') return 'checkbox';
    if (type === 'number') return 'spinbutton';
    if (type === 'submit' || type === 'button') return 'button';
  }
  return null;
};
const byId = (el, id) => { const n = el.getRootNode().getElementById(id); return n ? n.textContent : ''; };
const nameOf = (el) => {
  const label = el.getAttribute('aria-label');
  if (label) return label;
  const ids = el.getAttribute('aria-labelledby');
  if (ids) return ids.split(/\s+/).map((id) => byId(el, id)).join(' ');
  if (el.id) {
    const l = el.getRootNode().querySelector(`label[for="${CSS.escape(el.id)}"]`);
    if (l) return l.textContent;
  }
  const wrapping = el.closest('label');
  if (wrapping) return wrapping.textContent;
  if (el.tagName === 'INPUT') return el.value || el.getAttribute('placeholder') || '';
  return el.textContent || '';
};
const visible = (el) => {
  const r = el.getBoundingClientRect(), s = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
};
for (const root of roots)
  for (const el of root.querySelectorAll('*')) {
    if ((el.getAttribute('role') || implicitRole(el)) !== role || !visible(el)) continue;
    const n = nameOf(el).replace(/\s+/g, ' ').trim();
    if (exact ? n === name : n.includes(name)) return el;
  }
return null;
"#;

/// What WebDriver says when an element is simply not there: none matches, or the one found a
/// moment ago has since been removed or re-rendered. A test waiting for an element keeps waiting.
fn not_there(e: &CmdError) -> bool {
    e.is_no_such_element() || e.is_stale_element_reference() || e.is_detached_shadow_root()
}

/// `Some` on success, `None` when the element is not there; any other failure (a crashed or
/// unreachable browser, a script error, a lost session) panics at once with WebDriver's message,
/// rather than reading as "not found yet" until a wait times out.
fn present<T>(what: &str, result: Result<T, CmdError>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(e) if not_there(&e) => None,
        Err(e) => panic!("WebDriver failed while {what}: {e} ({e:?})"),
    }
}

/// A chromedriver process; each `page()` is a separate browser with its own profile.
pub struct Browser {
    url: String,
    _driver: Guarded,
}

impl Browser {
    pub async fn start() -> Browser {
        let port = free_port();
        let bin =
            std::env::var_os("BATON_CHROMEDRIVER").map(PathBuf::from).unwrap_or_else(|| "/usr/bin/chromedriver".into());
        let mut cmd = Command::new(bin);
        cmd.arg(format!("--port={port}")).stdout(Stdio::null()).stderr(Stdio::null());
        let mut driver = Guarded::spawn("chromedriver", &mut cmd);
        let url = format!("http://127.0.0.1:{port}");
        let status = format!("{url}/status");
        until_some("chromedriver to start", Duration::from_secs(30), || {
            driver.assert_running();
            let req = reqwest::Client::new().get(&status).send();
            async move { req.await.ok().filter(|r| r.status().is_success()).map(|_| ()) }
        })
        .await;
        Browser { url, _driver: driver }
    }

    pub async fn page(&self) -> Page {
        let chromium = std::env::var("BATON_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--disable-dev-shm-usage", "--window-size=1280,900"]
            }),
        );
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("new browser session: {e}"));
        Page { client }
    }
}

pub struct Page {
    pub client: Client,
}

impl Page {
    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap_or_else(|e| panic!("goto {url}: {e}"));
    }

    pub async fn reload(&self) {
        self.client.refresh().await.unwrap_or_else(|e| panic!("reload: {e}"));
    }

    /// The visitor token the widget stored on this page's origin for `site`.
    pub async fn visitor_token(&self, site: &str) -> String {
        let key = format!("baton:{site}");
        self.eval("return localStorage.getItem(arguments[0]) || ''", vec![Value::String(key.clone())])
            .await
            .as_str()
            .map(str::to_string)
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| panic!("no visitor token under localStorage[{key:?}]"))
    }

    pub async fn eval(&self, script: &str, args: Vec<Value>) -> Value {
        self.client.execute(script, args).await.unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// The element, `None` if the page has none (yet); any other WebDriver failure (a crashed
    /// browser, a script error) fails the test at once with its message.
    async fn try_find(&self, role: &str, name: &str, exact: bool) -> Option<Element> {
        let what = format!("finding {role} named {name:?}");
        let found =
            present(&what, self.client.execute(FIND_BY_ROLE, vec![json!(role), json!(name), json!(exact)]).await)?;
        if found.is_null() {
            return None;
        }
        let id = found
            .get(W3C_ELEMENT_KEY)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("{what}: the script returned {found}, not an element"));
        Some(Element::from_element_id(self.client.clone(), ElementRef::from(id.to_string())))
    }

    /// Waits for a visible element with this role whose accessible name contains `name`.
    pub async fn find(&self, role: &str, name: &str) -> Element {
        until_some(&format!("{role} named {name:?}"), DEFAULT_DEADLINE, || self.try_find(role, name, false)).await
    }

    /// Like `find`, but the accessible name must equal `name`.
    pub async fn find_exact(&self, role: &str, name: &str) -> Element {
        until_some(&format!("{role} named exactly {name:?}"), DEFAULT_DEADLINE, || self.try_find(role, name, true))
            .await
    }

    pub async fn exists(&self, role: &str, name: &str) -> bool {
        self.try_find(role, name, true).await.is_some()
    }

    pub async fn click(&self, role: &str, name: &str) {
        let el = self.find_exact(role, name).await;
        el.click().await.unwrap_or_else(|e| panic!("click {role} {name:?}: {e}"));
    }

    /// Presses and releases `key` wherever the focus is, as a keyboard user does.
    pub async fn press(&self, key: fantoccini::key::Key) {
        self.keys(&[char::from(key)]).await;
    }

    /// Types `text` wherever the focus is, key by key.
    pub async fn type_keys(&self, text: &str) {
        let keys: Vec<char> = text.chars().collect();
        self.keys(&keys).await;
    }

    async fn keys(&self, keys: &[char]) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let mut actions = KeyActions::new("keyboard".to_string());
        for &value in keys {
            actions = actions.then(KeyAction::Down { value }).then(KeyAction::Up { value });
        }
        self.client.perform_actions(actions).await.unwrap_or_else(|e| panic!("pressing keys: {e}"));
    }

    /// What has the focus, through shadow roots: its accessible name as a user would hear it
    /// (`aria-label`, its label, its text), or `BODY` when the focus is lost.
    pub async fn focused(&self) -> String {
        let script = r#"let e = document.activeElement;
            while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;
            if (!e || e === document.body) return 'BODY';
            const label = e.labels && e.labels[0] ? e.labels[0].textContent : '';
            return (e.getAttribute('aria-label') || label || e.textContent || e.getAttribute('placeholder') || e.tagName).trim();"#;
        self.eval(script, vec![]).await.as_str().unwrap_or("BODY").to_string()
    }

    /// Presses Tab until the focus is on an element whose name contains `name`, at most 60
    /// times; fails naming where the focus went, so a trap or a lost focus shows.
    pub async fn tab_to(&self, name: &str) {
        let mut visited = Vec::new();
        for _ in 0..60 {
            let now = self.focused().await;
            if now.contains(name) {
                return;
            }
            visited.push(now);
            self.press(fantoccini::key::Key::Tab).await;
        }
        panic!("Tab never reached {name:?}; the focus went through {visited:?}");
    }

    pub async fn type_into(&self, name: &str, text: &str) {
        let el = self.find_exact("textbox", name).await;
        el.send_keys(text).await.unwrap_or_else(|e| panic!("type into {name:?}: {e}"));
    }

    /// Picks the option labelled `option` in the select named `name`, as a user's choice would
    /// (a `change` event follows).
    pub async fn choose(&self, name: &str, option: &str) {
        let el = self.find_exact("combobox", name).await;
        let arg = serde_json::to_value(&el).unwrap_or_else(|e| panic!("choosing in {name:?}: {e}"));
        let script = r#"
            const [select, label] = arguments;
            const match = [...select.options].find(o => o.textContent.trim() === label);
            if (!match) return [...select.options].map(o => o.textContent.trim());
            select.value = match.value;
            select.dispatchEvent(new Event('change', { bubbles: true }));
            return null;"#;
        let missing = self.eval(script, vec![arg, json!(option)]).await;
        assert!(missing.is_null(), "{name:?} has no option {option:?}; it has {missing}");
    }

    /// Replaces what a field holds with `text`, with the `input` event typing would send.
    pub async fn replace_text(&self, role: &str, name: &str, text: &str) {
        let el = self.find_exact(role, name).await;
        let arg = serde_json::to_value(&el).unwrap_or_else(|e| panic!("typing into {name:?}: {e}"));
        let script = "const [field, text] = arguments; field.value = text; \
                      field.dispatchEvent(new Event('input', { bubbles: true }));";
        self.eval(script, vec![arg, json!(text)]).await;
    }

    /// Visible text of the first element with this role (e.g. the `log` of messages).
    pub async fn text_of(&self, role: &str, name: &str) -> String {
        until_some(&format!("{role} named {name:?}"), DEFAULT_DEADLINE, || self.text_of_now(role, name)).await
    }

    /// Waits until the element's visible text contains `needle`; returns that text.
    pub async fn wait_for_text(&self, role: &str, name: &str, needle: &str) -> String {
        until_some(&format!("{role} {name:?} to show {needle:?}"), DEFAULT_DEADLINE, || async {
            let text = self.text_of_now(role, name).await?;
            text.contains(needle).then_some(text)
        })
        .await
    }

    /// The element's visible text, `None` if it is not there (or was replaced between finding
    /// it and reading it); other WebDriver failures fail the test at once.
    async fn text_of_now(&self, role: &str, name: &str) -> Option<String> {
        let el = self.try_find(role, name, false).await?;
        let what = format!("reading the text of {role} named {name:?}");
        let arg = serde_json::to_value(&el).unwrap_or_else(|e| panic!("{what}: cannot pass the element: {e}"));
        let value = present(&what, self.client.execute("return arguments[0].innerText", vec![arg]).await)?;
        let text = value.as_str().unwrap_or_else(|| panic!("{what}: innerText is {value}, not a string"));
        Some(text.to_string())
    }

    /// Whole visible text of the page including open shadow roots.
    pub async fn all_text(&self) -> String {
        let script = r#"
            const parts = [document.body.innerText];
            const roots = [document];
            for (let i = 0; i < roots.length; i++)
              for (const el of roots[i].querySelectorAll('*'))
                if (el.shadowRoot) { roots.push(el.shadowRoot); parts.push(el.shadowRoot.textContent); }
            return parts.join('\n');"#;
        self.eval(script, vec![]).await.as_str().unwrap_or_default().to_string()
    }

    pub async fn wait_for_page_text(&self, needle: &str) {
        until_some(&format!("page to show {needle:?}"), DEFAULT_DEADLINE, || async {
            self.all_text().await.contains(needle).then_some(())
        })
        .await
    }

    /// What axe-core (pinned in `package.json`) finds serious or critical on the page as it is
    /// now, one line per rule with the elements at fault; empty when the page passes.
    pub async fn accessibility_violations(&self) -> Vec<String> {
        let path = crate::repo_root().join("node_modules/axe-core/axe.min.js");
        let axe = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {} (run `cargo xtask setup`): {e}", path.display()));
        // Run by the driver, so the page's content security policy does not apply to it.
        self.eval(&format!("{axe}\nreturn typeof window.axe;"), vec![]).await;
        // Colours are judged as they settle: a panel still fading in (a finite animation, in any
        // shadow root) would show blended colours. Endless ones (typing dots) are not waited for.
        let script = r#"
            const done = arguments[arguments.length - 1];
            const settling = document.getAnimations()
              .filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
              .map(a => a.finished.catch(() => {}));
            const settled = Promise.race([Promise.all(settling), new Promise(r => setTimeout(r, 3000))]);
            settled.then(() => window.axe.run(document, { resultTypes: ['violations'] }))
              .then(r => done(r.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map(n => {
                  const why = [...n.any, ...n.all, ...n.none].map(c => c.message).find(m => m) || '';
                  return `${n.target.join(' ')} [${why}]`;
                }).join(', ')}`)))
              .catch(e => done([`axe failed: ${e}`]));"#;
        let found = self.client.execute_async(script, vec![]).await.unwrap_or_else(|e| panic!("running axe-core: {e}"));
        found.as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_string)).collect()
    }

    /// Fails the test with every serious accessibility issue on the page, if there is any.
    pub async fn assert_accessible(&self, what: &str) {
        let found = self.accessibility_violations().await;
        assert!(found.is_empty(), "axe-core finds serious issues on {what}:\n{}", found.join("\n"));
    }

    /// Signs in to the console at `console_url` and waits for the workspace.
    pub async fn sign_in(&self, console_url: &str, email: &str, password: &str) {
        self.goto(console_url).await;
        self.type_into("Email", email).await;
        self.type_into("Password", password).await;
        self.click("button", "Sign in").await;
        self.find("button", "Sign out").await;
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}
