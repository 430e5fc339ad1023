//! `cargo xtask train`: trains the person-request model on the development set
//! (`brain/eval/dev/messages.jsonl`) and writes `brain/src/human/request_model.bin`. The held-out
//! set is never read. Run it after changing the development set; a brain test fails while the
//! shipped file differs from what training gives.

use baton_brain::eval::{self, train};

use crate::paths::repo_root;
use crate::process::step;

pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(extra) = args.first() {
        return Err(format!("train takes no arguments; got {extra:?}"));
    }
    let root = repo_root();
    step("training the person-request model on the development set");
    let development = eval::load(&root.join("brain/eval").join(eval::DEV).join(eval::MESSAGES_FILE))?;
    let fit = train::fit(&development);
    let path = root.join(train::MODEL_PATH);
    std::fs::write(&path, &fit.file).map_err(|e| format!("{}: {e}", path.display()))?;
    print!("{fit}");
    println!("wrote {} ({} bytes)", path.display(), fit.file.len());
    Ok(())
}
