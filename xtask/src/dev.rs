//! `cargo xtask dev`: build everything and serve it with the demo site seeded.

use std::path::PathBuf;
use std::process::Command;

use crate::paths::repo_root;
use crate::process::{describe, step};
use crate::{build, seed, tools};

struct Options {
    port: u16,
    persist_to: PathBuf,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options { port: 8787, persist_to: repo_root().join(".baton/state") };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--port" => {
                let value = it.next().ok_or("--port needs a value")?;
                options.port = value.parse().map_err(|_| format!("--port {value:?} is not a port number"))?;
            }
            "--persist-to" => options.persist_to = PathBuf::from(it.next().ok_or("--persist-to needs a directory")?),
            other => return Err(format!("unknown option {other:?} for dev")),
        }
    }
    Ok(options)
}

pub fn run(args: &[String]) -> Result<(), String> {
    let options = parse(args)?;
    let tools = tools::setup()?;
    build::all(&tools)?;
    step("serve");
    let base = format!("http://127.0.0.1:{}", options.port);
    let mut cmd = Command::new(&tools.wrangler);
    cmd.args(["dev", "--ip", "127.0.0.1", "--port", &options.port.to_string(), "--persist-to"])
        .arg(&options.persist_to)
        .arg("--show-interactive-dev-session=false")
        .env("WRANGLER_SEND_METRICS", "false")
        .current_dir(repo_root());
    println!("$ {}", describe(&cmd));
    let mut child = cmd.spawn().map_err(|e| format!("could not start wrangler: {e}"))?;
    if let Err(err) = seed::wait_healthy(&base, &mut child).and_then(|()| seed::demo_site(&base)) {
        let _ = child.kill();
        return Err(err);
    }
    println!(
        "\nBaton is running.\n  demo page : {base}/demo\n  console   : {base}/console/\n  widget    : {base}/widget.js\n\
         \nDemo logins (local use only):\n  dana@demo.test / dana-demo-pass   (agent)\n  sam@demo.test  / sam-demo-pass    (agent)\n  \
         lead@demo.test / lead-demo-pass   (supervisor)\n\nState persists in {}. Press Ctrl-C to stop.",
        options.persist_to.display()
    );
    let status = child.wait().map_err(|e| format!("wrangler: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("wrangler dev exited with {status}")) }
}
