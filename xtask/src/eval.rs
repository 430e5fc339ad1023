//! `cargo xtask eval`: scores the bot brain on its two labelled sets in `brain/eval/` (customer
//! messages for asking for a person, intents and sentiment; questions for the article search
//! against the demo site's articles), prints the development set in detail and both sets side by
//! side, and fails when a held-out target is missed. The development set was tuned on, so only
//! the held-out set decides.
//!
//! `cargo xtask eval --dev` scores and prints the development set alone, for whoever tunes the
//! rules: the held-out set is neither read nor shown, so iterating never peeks at it.

use crate::paths::repo_root;
use crate::process::step;

pub fn run(args: &[String]) -> Result<(), String> {
    let dev_only = match args {
        [] => false,
        [flag] if flag == "--dev" => true,
        [extra, ..] => return Err(format!("eval takes only --dev; got {extra:?}")),
    };
    let root = repo_root();
    let site = root.join("demo/site.json");
    if dev_only {
        step("bot brain evaluation (development set only)");
        let report = baton_brain::eval::run_set(&root.join("brain/eval").join(baton_brain::eval::DEV), &site)?;
        print!("{report}");
        print_out_of_fold(&root)?;
        return match report.missed_targets().as_slice() {
            [] => Ok(()),
            missed => Err(format!("development targets missed: {}", missed.join("; "))),
        };
    }
    step("bot brain evaluation");
    let evaluation = baton_brain::eval::run(&root.join("brain/eval"), &site)?;
    print!("{evaluation}");
    print_out_of_fold(&root)?;
    match evaluation.missed_targets().as_slice() {
        [] => Ok(()),
        missed => Err(format!("held-out evaluation targets missed: {}", missed.join("; "))),
    }
}

/// The development figures above score the person-request model on the messages it was trained
/// on; these score each message with a model trained without it.
fn print_out_of_fold(root: &std::path::Path) -> Result<(), String> {
    use baton_brain::eval;
    let development = eval::load(&root.join("brain/eval").join(eval::DEV).join(eval::MESSAGES_FILE))?;
    println!();
    print!("{}", eval::train::fit(&development));
    Ok(())
}
