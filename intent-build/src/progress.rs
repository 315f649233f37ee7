//! Progress for long work: spinners with `indicatif` on a terminal, plain
//! lines otherwise (CI logs stay short and line-oriented). A run of many
//! intents also says how many are done of all and about how long the rest
//! will take, from the time the finished ones took.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};


/// Phases shown by progress displays.
#[derive(Debug, Clone)]
pub enum Phase {
    /// Waiting for the model in a round.
    Generating(u32),
    /// Running gates in a round.
    Checking(u32),
    /// Asking for checks drawn from the description, before accepting.
    DescriptionChecks,
    /// A completion arrived: tokens and tokens/s.
    Generated {
        /// Tokens generated.
        tokens: u32,
        /// Speed.
        per_second: f64,
    },
    /// A round was judged: candidates decoded and passed so far, every
    /// round together.
    Judged {
        /// The round.
        round: u32,
        /// Candidates decoded.
        decoded: u32,
        /// Candidates that passed every gate.
        passed: usize,
    },
}

/// A progress display for several intents at once.
pub struct Progress {
    multi: Option<MultiProgress>,
    quiet: bool,
    /// The current run's count, shared by every intent's display.
    run: Arc<Mutex<Option<Run>>>,
}

/// A run of several intents: how many are done, of how many, since when.
struct Run {
    total: usize,
    done: usize,
    started: Instant,
    /// The run's own line above the intents' (a terminal only).
    bar: Option<ProgressBar>,
}

impl Run {
    /// Counts one more intent done; the count and what is left, as shown.
    fn finish_one(&mut self) -> String {
        self.done = (self.done + 1).min(self.total);
        let line = count_line(self.done, self.total, self.started.elapsed());
        if let Some(bar) = &self.bar {
            bar.set_position(self.done as u64);
            bar.set_message(line.clone());
            if self.done == self.total {
                bar.finish();
            }
        }
        line
    }
}

impl Progress {
    /// Bars on a terminal unless `quiet`; lines when stderr is not a terminal.
    pub fn new(quiet: bool) -> Self {
        let terminal = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        Progress {
            multi: (terminal && !quiet).then(MultiProgress::new),
            quiet,
            run: Arc::default(),
        }
    }

    /// Starts counting a run of `total` intents: each intent's end shows
    /// how many are done of all and an estimate of the time left. A run of
    /// one intent is not counted.
    pub fn start_run(&self, total: usize) {
        let bar = self.multi.as_ref().filter(|_| total > 1).map(|multi| {
            let bar = multi.insert(0, ProgressBar::new(total as u64));
            bar.set_style(
                ProgressStyle::with_template("{prefix:.bold} {wide_msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.set_prefix("lock");
            bar.set_message(count_line(0, total, Duration::ZERO));
            bar
        });
        let run = (total > 1).then(|| Run {
            total,
            done: 0,
            started: Instant::now(),
            bar,
        });
        *self.run.lock().unwrap_or_else(|e| e.into_inner()) = run;
    }

    /// A display with no output at all.
    pub fn hidden() -> Self {
        Progress {
            multi: None,
            quiet: true,
            run: Arc::default(),
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
            run: Arc::clone(&self.run),
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
    run: Arc<Mutex<Option<Run>>>,
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
            Phase::DescriptionChecks => "checks from the description".to_string(),
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
        let count = self
            .run
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_mut()
            .map(Run::finish_one);
        match (&self.bar, count) {
            (Some(bar), _) => bar.finish_with_message(text),
            (None, _) if self.quiet => {}
            (None, Some(count)) => eprintln!("intent `{}`: {text} [{count}]", self.name),
            (None, None) => eprintln!("intent `{}`: {text}", self.name),
        }
    }
}

/// A run's count: `3/40 intents done, about 12m 30s left` — the time left
/// from the mean time of those done so far.
fn count_line(done: usize, total: usize, elapsed: Duration) -> String {
    if done == 0 || done >= total {
        return format!("{done}/{total} intents done");
    }
    let left = elapsed.as_secs_f64() / done as f64 * (total - done) as f64;
    format!("{done}/{total} intents done, about {} left", short(left))
}

/// Seconds as `45s`, `12m 30s` or `1h 05m`.
fn short(seconds: f64) -> String {
    let s = seconds.round() as u64;
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, s % 3600 / 60),
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

    #[test]
    fn a_runs_count_estimates_the_rest_from_those_done() {
        let ten_minutes = Duration::from_secs(600);
        assert_eq!(
            count_line(4, 40, ten_minutes),
            "4/40 intents done, about 1h 30m left"
        );
        assert_eq!(
            count_line(3, 4, Duration::from_secs(90)),
            "3/4 intents done, about 30s left"
        );
        assert_eq!(count_line(0, 40, Duration::ZERO), "0/40 intents done");
        assert_eq!(count_line(40, 40, ten_minutes), "40/40 intents done");
        assert_eq!(short(750.0), "12m 30s");
    }

    #[test]
    fn each_intents_end_counts_once_in_the_run() {
        let progress = Progress::hidden();
        progress.start_run(3);
        for name in ["a", "b"] {
            progress.intent(name).finish(true, None);
        }
        let run = progress.run.lock().unwrap();
        assert_eq!(run.as_ref().map(|r| r.done), Some(2));
    }
}
