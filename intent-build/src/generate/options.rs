//! How generation runs: [`Options`] and their measured defaults.

use super::replay;
use super::uses::Used;
use crate::judge::behaviour;
use crate::provider::Batching;
use crate::settings::Repair;

/// A GBNF grammar confining output to one fenced Rust block. Backticks cannot
/// appear inside the block, which Rust code rarely needs.
pub const RUST_BLOCK_GRAMMAR: &str = "root ::= \"```rust\\n\" [^`]* \"```\"\n";

/// The grammar candidates are decoded in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GrammarKind {
    /// None: the model writes what it likes.
    Off,
    /// One fenced Rust block ([`RUST_BLOCK_GRAMMAR`]).
    Fence,
    /// One fenced Rust block whose imports stay inside the crate
    /// ([`super::grammar::for_prelude`]).
    #[default]
    Policy,
    /// As `Policy`, and the block opens with the spec's signature
    /// ([`super::grammar::for_spec`]). Not the default: measured on 29 MBPP specs
    /// side by side with `Policy` (the `mbpp` bench section), fewer
    /// candidates passed (81 of 368 against 87 of 360) and three times as
    /// many answers were cut at the token limit (32 against 12).
    Signature,
}

/// How generation runs.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Options {
    /// Rounds after the first.
    pub repair_rounds: u32,
    /// The grammar decoding follows where the provider supports one.
    pub grammar: GrammarKind,
    /// Besides rustc's own suggestions, repair candidates that do not
    /// compile with the rewrites of [`crate::judge::variants`] (index casts, sums,
    /// collects of references).
    pub rewrites: bool,
    /// Mend candidates that fail an example by one edit (an operator, a
    /// literal ±1, a condition) with [`crate::judge::near_miss`].
    pub near_misses: bool,
    /// How a failed round informs the next.
    pub repair: Repair,
    /// Whether the grammar checks every segment of a `use` under `std`,
    /// `core` and `alloc` against the toolchain's documentation
    /// ([`crate::judge::std_paths`]), rather than the first alone.
    pub std_paths: bool,
    /// Share of the passing candidates whose behaviour must agree
    /// ([`behaviour::settled`]).
    pub agreement: f64,
    /// The behaviour the accepted code must keep: the one pinned at the
    /// last acceptance, when only the model changed since and no change is
    /// allowed (decided by the lock, `ops::lock`'s generate stage).
    pub pinned: Option<behaviour::Behaviour>,
    /// The intents this one uses (`uses`), with their accepted code.
    pub used: Vec<Used>,
    /// How many independent candidates must behave as the accepted one,
    /// counted over every round of the intent ([`DEFAULT_QUORUM`]; 1 is
    /// the rule before quorums). Applies where a round asks for more than
    /// one candidate.
    pub quorum: usize,
    /// The most candidates decoded for one intent, every round together:
    /// when fewer than `quorum` agree, more are sampled up to this.
    pub max_candidates: u32,
    /// Before accepting on thin support (fewer than
    /// [`crate::lockfile::BROAD_SUPPORT`] agreeing), sample the rest of
    /// `max_candidates` once, so that a rival reading of the spec can show
    /// itself and split the vote; the decision is then taken over them all.
    pub seek_rival: bool,
    /// Stop decoding an answer where it stops being the function and its
    /// helpers ([`ANSWER_STOPS`]): a trailing `fn main`, a test module or
    /// a test, none of which the gates keep.
    pub answer_stops: bool,
    /// Which early ends the embedded provider may cut an answer at: a
    /// straggler and a repeated line ([`Batching`]; all on by default, off
    /// only to measure them).
    pub batching: Batching,
    /// Before accepting, ask for checks drawn from the description (in a
    /// prompt of their own, `check_sets` independent sets) and end in a
    /// question when the code fails an agreed one.
    pub description_checks: bool,
    /// When the description's checks stop nothing, ask the model — in
    /// [`DESCRIPTION_CHECK_SETS`] independent answers, each call written
    /// for it — what the description says the calls return that the code
    /// about to be accepted and another passing candidate answer
    /// differently; a value most answers give (at least two) that the code
    /// fails and another passing candidate returns stops the acceptance
    /// ([`DEFAULT_PROBES`]).
    pub probes: bool,
    /// How many independent sets of checks are asked for
    /// ([`DESCRIPTION_CHECK_SETS`]; more only to measure the trade of
    /// decode time against stops).
    pub check_sets: u32,
    /// With the description's checks, a check too few sets gave to be
    /// agreed also stops the acceptance when the code fails it and another
    /// passing candidate passes it ([`DEFAULT_SECONDED_CHECKS`]).
    pub seconded_checks: bool,
    /// The user answered a question about this intent: its earlier passing
    /// candidates are judged again (against the spec with the answer)
    /// before anything is decoded ([`replay`]).
    pub answered: Option<replay::Answered>,
}


/// The default [`Options::agreement`]: the largest group must hold more
/// than a third of the passing candidates, and more than the next group.
/// Measured on MBPP (116 specs, the `mbpp` bench section): more than a
/// third and a plain plurality both gave pass@1 56.0% and false acceptance
/// 14.5% with 6.9% questions; a majority (0.5) asked 3 more questions, 3
/// of whose first-by-index answers were right, for no fewer false
/// acceptances. A third is the more careful of the two best.
pub const DEFAULT_AGREEMENT: f64 = 0.34;

/// The default [`Options::quorum`]. On held-out problems every false
/// acceptance rested on one or two passing candidates of eight (issue 21);
/// two independent candidates that agree on every generated input are the
/// least evidence that is more than one decode's word. Measured on 58 MBPP
/// specs (the `mbpp` bench section, both rules from one run): false
/// acceptance 11.1% → 6.5%, pass@1 55.2% → 50.0%, questions 8.6% → 17.2%;
/// of the accepted-but-wrong under the earlier rule, 3 of 4 had one or two
/// agreeing candidates, and none of the 22 accepted with three or more was
/// wrong.
pub const DEFAULT_QUORUM: usize = 2;

/// The default [`Options::max_candidates`]: two rounds of the embedded
/// provider's eight, what the default repair round already spent on an
/// intent none of whose first candidates passed.
pub const DEFAULT_MAX_CANDIDATES: u32 = 16;

/// The default [`Options::seek_rival`]. Measured on 58 MBPP specs (the
/// `mbpp` bench section, `INTENT_BENCH_SEEK_RIVAL`): 12 intents were
/// accepted in their first round on 2 to 4 agreeing candidates; sampling
/// the other 8 of the budget turned 2 of their 3 wrong acceptances into
/// questions (a rival reading passed too) and kept all 9 right ones.
pub const DEFAULT_SEEK_RIVAL: bool = true;

/// Where an answer stops being the function and its helpers, so decoding
/// ends there ([`Options::answer_stops`]): extraction drops a trailing
/// `fn main` and tests written at the top level anyway, so every token
/// after one of these is spent on text no gate reads. Each follows a blank
/// line, so a `fn main` written first (right after the fence, the function
/// below it) never ends the answer, and the cut keeps the closing brace of
/// the item before. Helpers written after the function stay.
pub const ANSWER_STOPS: [&str; 3] = ["\n\nfn main(", "\n\n#[cfg(test)]", "\n\n#[test]"];

/// The default [`Options::answer_stops`].
pub const DEFAULT_ANSWER_STOPS: bool = true;

/// The default [`Options::description_checks`].
pub const DEFAULT_DESCRIPTION_CHECKS: bool = true;

/// The default [`Options::seconded_checks`].
pub const DEFAULT_SECONDED_CHECKS: bool = true;

/// The default [`Options::probes`]: off. On one decode of each dev set
/// they stopped one wrong acceptance (the 1.5B's `to_roman`, realistic)
/// and six right ones (four of the 1.5B's on the MBPP sample, two of the
/// 0.5B's: at the edges where candidates split, a small model's reading
/// is as arbitrary as the code's; `BENCHMARKS.md`).
pub const DEFAULT_PROBES: bool = false;

/// Independent sets of checks asked for: agreement needs at least two of
/// them and more than half, so three is the least that survives one
/// set that does not compile.
pub const DESCRIPTION_CHECK_SETS: u32 = 3;

/// The default [`Options::near_misses`]: off until the realistic and MBPP
/// dev sets say it helps (`INTENT_BENCH_NEAR_MISS=1`).
pub const DEFAULT_NEAR_MISSES: bool = false;

impl Default for Options {
    fn default() -> Self {
        Options {
            repair_rounds: 1,
            grammar: GrammarKind::Policy,
            rewrites: true,
            near_misses: DEFAULT_NEAR_MISSES,
            std_paths: true,
            repair: Repair::default(),
            agreement: DEFAULT_AGREEMENT,
            pinned: None,
            used: Vec::new(),
            quorum: DEFAULT_QUORUM,
            max_candidates: DEFAULT_MAX_CANDIDATES,
            seek_rival: DEFAULT_SEEK_RIVAL,
            answer_stops: DEFAULT_ANSWER_STOPS,
            batching: Batching::ALL,
            description_checks: DEFAULT_DESCRIPTION_CHECKS,
            seconded_checks: DEFAULT_SECONDED_CHECKS,
            check_sets: DESCRIPTION_CHECK_SETS,
            probes: DEFAULT_PROBES,
            answered: None,
        }
    }
}

impl Options {
    /// The repairs without the model its rounds' candidates get.
    pub fn mending(&self) -> crate::judge::variants::Mending {
        crate::judge::variants::Mending {
            rewrites: self.rewrites,
            near_misses: self.near_misses,
        }
    }

    /// The defaults with `repair_rounds` rounds after the first.
    pub fn with_rounds(repair_rounds: u32) -> Self {
        Options {
            repair_rounds,
            ..Options::default()
        }
    }

    /// The same options with `quorum`; 1 is the rule before quorums.
    pub fn with_quorum(mut self, quorum: usize) -> Self {
        self.quorum = quorum;
        self
    }

    /// The same options with `repair` between rounds.
    pub fn with_repair(mut self, repair: Repair) -> Self {
        self.repair = repair;
        self
    }
}
