//! Who answers what a run asks the user: which group of candidates is
//! right (questions), and whether the accepted code's answer on an input
//! the spec leaves open is (confirmations). `cargo intent` answers at the
//! terminal; off one, it prints them.

use std::path::Path;

use crate::judge::gates::GateRunner;
use crate::report::Question;
use crate::spec::edit::NewExample;
use crate::spec::SpecFile;

/// An input where the spec is silent, offered for confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    /// The call, as an example writes it.
    pub call: String,
    /// What the accepted code answers.
    pub accepted: String,
    /// How many open mutants answer otherwise there: the more, the more an
    /// example on it rules out.
    pub open: usize,
}

/// What the user said of one offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmation {
    /// The accepted answer is right.
    Right,
    /// It is wrong; the call returns this expression.
    Returns(String),
    /// No answer for this call.
    Skip,
    /// No answer for this call or any later one.
    Stop,
}

/// Who answers the questions of a run.
pub trait Asker {
    /// The error the asker can fail with; the library's errors convert to it.
    type Error: From<crate::Error>;

    /// The examples the user gave for `question` about the intent of
    /// `file`; none when every call was skipped. `runner` checks an answer
    /// compiles before it is taken.
    ///
    /// # Errors
    ///
    /// The user could not be asked.
    fn ask(
        &mut self,
        file: &SpecFile,
        question: &Question,
        runner: &GateRunner,
    ) -> Result<Vec<NewExample>, Self::Error>;

    /// What the user says of `offer`, an input where the spec of `file`
    /// is silent: the accepted code's answer is right, or the call returns
    /// another value (`runner` checks it compiles), or no answer.
    ///
    /// # Errors
    ///
    /// The user could not be asked.
    fn confirm(
        &mut self,
        file: &SpecFile,
        offer: &Offer,
        runner: &GateRunner,
    ) -> Result<Confirmation, Self::Error>;

    /// `count` examples were written into the spec at `path`.
    fn added(&mut self, path: &Path, count: usize);
}

