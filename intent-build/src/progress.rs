//! Progress for long work: spinners with `indicatif` on a terminal, plain
//! lines otherwise (CI logs stay short and line-oriented).

use std::io::IsTerminal;

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

use crate::generate::Phase;

/// A progress display for several intents at once.
pub struct Progress {
    multi: Option<MultiProgress>,
    quiet: bool,
}

impl Progress {
    /// Bars on a terminal unless `quiet`; lines when stderr is not a terminal.
    pub fn new(quiet: bool) -> Self {
        let terminal = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        Progress {
            multi: (terminal && !quiet).then(MultiProgress::new),
            quiet,
        }
    }

    /// A display with no output at all.
    pub fn hidden() -> Self {
        Progress {
            multi: None,
            quiet: true,
        }
    }

    /// The display for one intent.
    pub fn intent(&self, name: &str) -> IntentProgress {
        let bar = self.multi.as_ref().map(|multi| {
            let bar = multi.add(ProgressBar::new_spinner());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {prefix:.bold} {wide_msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.set_prefix(name.to_string());
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        });
        IntentProgress {
            bar,
            name: name.to_string(),
            quiet: self.quiet,
            speed: std::cell::Cell::new(None),
            last: std::cell::RefCell::new(String::new()),
        }
    }
}

/// One intent's line or spinner.
pub struct IntentProgress {
    bar: Option<ProgressBar>,
    name: String,
    quiet: bool,
    /// The last round's decoding speed, tokens/s, shown with its tally.
    speed: std::cell::Cell<Option<f64>>,
    /// The last round's tally, kept on the finished line.
    last: std::cell::RefCell<String>,
}

impl IntentProgress {
    /// Shows a phase.
    pub fn phase(&self, phase: &Phase) {
        let text = match phase {
            Phase::Generating(0) => "generating".to_string(),
            Phase::Generating(r) => format!("repair round {r}: generating"),
            Phase::Checking(r) => format!("round {r}: checking"),
            Phase::Generated { tokens, per_second } => {
                self.speed.set(Some(*per_second));
                format!("{tokens} tokens at {per_second:.1} tokens/s")
            }
            Phase::Judged {
                round,
                decoded,
                passed,
            } => {
                let line = tally(*round, *decoded, *passed, self.speed.get());
                self.last.replace(line.clone());
                line
            }
        };
        match &self.bar {
            Some(bar) => bar.set_message(text),
            None if !self.quiet => eprintln!("intent `{}`: {text}", self.name),
            None => {}
        }
    }

    /// Ends the display with the outcome.
    pub fn finish(&self, ok: bool, reason: Option<&str>) {
        let outcome = if ok {
            "verified".to_string()
        } else {
            format!("failed: {}", reason.unwrap_or("unknown"))
        };
        let last = self.last.borrow();
        let text = if last.is_empty() {
            outcome
        } else {
            format!("{outcome} ({last})")
        };
        match &self.bar {
            Some(bar) => bar.finish_with_message(text),
            None if !self.quiet => eprintln!("intent `{}`: {text}", self.name),
            None => {}
        }
    }
}

/// A round's line: `round 1: 16 decoded, 3 passed · 48.0 tokens/s`.
fn tally(round: u32, decoded: u32, passed: usize, speed: Option<f64>) -> String {
    let speed = speed.map_or_else(String::new, |s| format!(" · {s:.1} tokens/s"));
    format!("round {round}: {decoded} decoded, {passed} passed{speed}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rounds_line_says_decoded_passed_and_speed() {
        assert_eq!(
            tally(1, 16, 3, Some(48.04)),
            "round 1: 16 decoded, 3 passed · 48.0 tokens/s"
        );
        assert_eq!(tally(0, 8, 0, None), "round 0: 8 decoded, 0 passed");
    }
}
