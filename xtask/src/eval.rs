//! `cargo xtask eval`: scores the bot brain on its labelled sets in `brain/eval/` (customer
//! messages for asking for a person, intents and sentiment; questions for the article search
//! against the demo site's articles), prints the report, and fails when a target is missed.

use crate::paths::repo_root;
use crate::process::step;

pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(extra) = args.first() {
        return Err(format!("eval takes no arguments; got {extra:?}"));
    }
    let root = repo_root();
    step("bot brain evaluation");
    let report = baton_brain::eval::run(&root.join("brain/eval"), &root.join("demo/site.json"))?;
    print!("{report}");
    match report.missed_targets().as_slice() {
        [] => Ok(()),
        missed => Err(format!("evaluation targets missed: {}", missed.join("; "))),
    }
}
