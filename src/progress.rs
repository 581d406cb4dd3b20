//! The progress bar of external link checks (indicatif), drawn on stderr
//! when it is a terminal and there are more than 5 URLs. The library only
//! reports progress through [`lockstep::net::Progress`].

use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

#[derive(Default)]
pub struct Bar(Mutex<Option<ProgressBar>>);

impl lockstep::net::Progress for Bar {
    fn start(&self, total: usize) {
        if total <= 5 {
            return;
        }
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
        if let Ok(style) =
            ProgressStyle::with_template("checking links {bar:30} {pos}/{len} {wide_msg}")
        {
            bar.set_style(style);
        }
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(bar);
    }

    fn advance(&self) {
        if let Some(bar) = &*self.0.lock().unwrap_or_else(|p| p.into_inner()) {
            bar.inc(1);
        }
    }

    fn finish(&self) {
        if let Some(bar) = self.0.lock().unwrap_or_else(|p| p.into_inner()).take() {
            bar.finish_and_clear();
        }
    }
}
